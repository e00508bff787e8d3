"""What an API key may do, how long it may live, and what its token looks like (R24)."""

import string
from datetime import timedelta

from django.db import models

# The token a partner system sends: "shk_<prefix>_<secret>". The prefix names the key (it is shown
# in the admin screens and in logs); only the secret is a credential, and only its hash is stored.
KEY_LABEL = "shk"
PREFIX_LENGTH = 8
SECRET_LENGTH = 40
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits

# A key must expire within a year. The admin screen picks a date and the key works to the end of
# that day, so "the same date next year" is allowed: a year and a day, to the end of the day.
KEY_MAX_LIFETIME = timedelta(days=366)


class Scope(models.TextChoices):
    """Scopes narrow what a key may do; the acting user's role still decides the rest."""

    ME_READ = "me:read", "See who the key acts as"
    PEOPLE_READ = "people:read", "Search and view people"
    PEOPLE_WRITE = "people:write", "Record and change people"
    CONTACTS_WRITE = "contacts:write", "Send contacts (referrals, notifications) to the MASH"
    CONTACTS_READ = "contacts:read", "Follow the status of contacts this key sent"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
