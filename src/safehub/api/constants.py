"""What an API key may do, how long it may live, and what its token looks like (R24)."""

from datetime import timedelta

from django.db import models

# The token a partner system sends: "shk_<prefix>_<secret>". The prefix names the key (it is shown
# in the admin screens and in logs); only the secret is a credential, and only its hash is stored.
TOKEN_TAG = "shk"  # noqa: S105 (a label, not a credential)
PREFIX_LENGTH = 8
SECRET_LENGTH = 40
PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"  # noqa: S105

# A key must expire within a year. The admin screen picks a date and the key works to the end of
# that day, so "the same date next year" is allowed: a year and a day, to the end of the day.
KEY_MAX_LIFETIME = timedelta(days=366)


class Scope(models.TextChoices):
    """Scopes narrow what a key may do; the acting user's role still decides the rest."""

    ME_READ = "me:read", "See who the key acts as"
    PEOPLE_READ = "people:read", "Search and view people"
    PEOPLE_WRITE = "people:write", "Record and change people"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
