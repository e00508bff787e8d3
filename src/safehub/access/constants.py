"""Restriction levels, grant states and break-the-glass reasons."""

from datetime import timedelta

from django.db import models

BREAK_GLASS_DURATION = timedelta(hours=2)


class Level(models.TextChoices):
    RESTRICTED = "restricted", "Restricted (named grants; emergency access allowed)"
    SEALED = "sealed", "Sealed (named grants only; no emergency access)"


class RestrictionReason(models.TextChoices):
    ADOPTION = "adoption", "Adoption record"
    HIGH_PROFILE = "high_profile", "High-profile subject"
    STAFF_SUBJECT = "staff_subject", "A member of staff or their relative is the subject"
    WITNESS_OR_REFUGE = "witness_or_refuge", "Witness protection or refuge"
    OTHER = "other", "Other (explain)"


class GrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second approver"
    ACTIVE = "active", "Active"
    REFUSED = "refused", "Refused"
    REVOKED = "revoked", "Revoked"


class BreakGlassReason(models.TextChoices):
    IMMEDIATE_RISK = "immediate_risk", "A child may be at immediate risk of significant harm"
    OUT_OF_HOURS = "out_of_hours", "Out-of-hours emergency duty"
    POLICE_REQUEST = "police_request", "Urgent request from police under s46"
    HEALTH_EMERGENCY = "health_emergency", "Medical emergency"
    OTHER = "other", "Other emergency (explain)"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified: referred to the line manager"
    REFERRED = "referred", "Referred for investigation"


# R22: grants are time-bound. Sealed records get the shorter ceiling because each one needed a
# second approver; a longer need is a fresh request, so someone looks at it again.
MAX_GRANT_DURATION = {Level.RESTRICTED: timedelta(days=90), Level.SEALED: timedelta(days=30)}

# R23: a reason the reviewer can judge, not "urgent" or "needed".
BREAK_GLASS_MIN_REASON_LENGTH = 20

# The record-level events of this app carry this section, so the access log can tell them apart.
AUDIT_SECTION_RESTRICTION = "restriction"
AUDIT_SECTION_GRANT = "grant"
AUDIT_SECTION_BREAK_GLASS = "break_glass"
