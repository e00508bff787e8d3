"""Children in care vocabulary (issue 6).

Codes a return carries (legal status, placement type, provider, reasons) are the SSDA903 code
lists in reference data, keyed below; the choices here are Safehub's own steps and kinds, each
mapped to what the 903 records. 903 *episodes* are never typed in: they are derived from the
legal-status and placement history (`episodes.py`).
"""

from django.db import models

# Code lists (reference_data keys, from the SSDA903 schema) this app records against.
LEGAL_STATUS_LIST = "903.ls"
PLACEMENT_TYPE_LIST = "903.place"
PROVIDER_LIST = "903.place_provider"
CEASED_REASON_LIST = "903.rec"
PLACEMENT_CHANGE_REASON_LIST = "903.reason_place_change"
PARTICIPATION_LIST = "903.review_code"
MISSING_KIND_LIST = "903.missing"
SDQ_REASON_LIST = "903.sdq_reason"
IN_TOUCH_LIST = "903.in_touch"
ACTIVITY_LIST = "903.activ"
ACCOMMODATION_LIST = "903.accom"
ADOPTION_CEASED_LIST = "903.reason_placed_ceased"
PREVIOUS_PERMANENCE_LIST = "903.prev_perm"
ADOPTER_SEX_LIST = "903.sex_adoptr"
ADOPTER_LEGAL_STATUS_LIST = "903.ls_adoptr"
NEED_LIST = "903.cin"

# 903 REC X1 ("episode ends and a new one starts on the same day") is derived, never chosen.
CHAIN_REASON = "X1"
# REC codes that need the order they name to be on the record (903 rules 356, 529 and the SGO rules).
ADOPTED_REASONS = frozenset({"E11", "E12"})
SGO_REASONS = frozenset({"E45", "E46", "E47", "E48"})
CAO_REASONS = frozenset({"E41"})
# Placement types for which no provider is recorded (903 rule 178) and temporary moves for which no
# reason for change is recorded (rule 226).
NO_PROVIDER_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"})
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
# A placement order (E1) or consent (A3/A4) is needed for a placement for adoption.
PLACEMENT_ORDER_STATUSES = frozenset({"E1", "D1"})
# Legal statuses under which the child is in care under a court order (for permanence rules).
CARE_ORDER_STATUSES = frozenset({"C1", "C2", "E1", "D1"})
# Fostering for adoption / concurrent planning placements (903 AD1 FOSTER_CARE).
FOSTERING_FOR_ADOPTION_PLACEMENTS = frozenset({"U2", "U5"})
# Foster placement types, for the sufficiency view's "in foster care" line.
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})


class NewEpisodeReason(models.TextChoices):
    """903 RNE: why a new episode starts. Derived from what changed on the day."""

    STARTED = "S", "Started to be looked after"
    LEGAL_STATUS = "L", "Change of legal status only"
    PLACEMENT = "P", "Change of placement and carer(s) only"
    SAME_CARERS = "T", "Change of placement but same carer(s)"
    BOTH = "B", "Change of legal status and placement and carer(s)"
    BOTH_SAME_CARERS = "U", "Change of legal status and placement, same carer(s)"


class Clock(models.TextChoices):
    """The clocks this app puts on the task lists (casework Task.key)."""

    REVIEW = "la.review", "Looked-after review"
    VISIT = "la.visit", "Visit to the child in placement (regulation 28)"
    HEALTH_ASSESSMENT = "la.health_assessment", "Health assessment"
    DENTAL = "la.dental", "Dental check"
    RETURN_INTERVIEW = "la.return_interview", "Return home interview offer"
    PATHWAY_REVIEW = "cl.pathway_review", "Pathway plan review"
    KEEPING_IN_TOUCH = "cl.keeping_in_touch", "Care leaver birthday contact"


class HealthCheckKind(models.TextChoices):
    INITIAL_HEALTH_ASSESSMENT = "initial", "Initial health assessment"
    REVIEW_HEALTH_ASSESSMENT = "review", "Review health assessment"
    DENTAL = "dental", "Dental check"
    IMMUNISATIONS = "immunisations", "Immunisations up to date"
    DEVELOPMENT = "development", "Development check (under 5)"


class AwayKind(models.TextChoices):
    """903 MISSING: M missing (whereabouts unknown); A away without authorisation (known)."""

    MISSING = "M", "Missing: whereabouts unknown"
    AWAY = "A", "Away from placement without authorisation"


class PermanenceOrderKind(models.TextChoices):
    ADOPTION = "adoption", "Adoption order"
    SPECIAL_GUARDIANSHIP = "sgo", "Special guardianship order"
    CHILD_ARRANGEMENTS = "cao", "Child arrangements (residence) order"


class SiblingDecision(models.TextChoices):
    TOGETHER = "together", "Place together"
    APART = "apart", "Place apart"


class LeaverCategory(models.TextChoices):
    """Children (Leaving Care) Act 2000 categories."""

    ELIGIBLE = "eligible", "Eligible (16 or 17, still looked after)"
    RELEVANT = "relevant", "Relevant (16 or 17, left care)"
    FORMER_RELEVANT = "former_relevant", "Former relevant (18 to 25)"
    QUALIFYING = "qualifying", "Qualifying"


class HouseholdKind(models.TextChoices):
    MAINSTREAM_FOSTER = "foster", "Foster carers (mainstream)"
    CONNECTED_PERSONS = "connected", "Connected persons foster carers"
    ADOPTERS = "adopters", "Adopters"
    SUPPORTED_LODGINGS = "lodgings", "Supported lodgings"


class ApprovalStatus(models.TextChoices):
    IN_ASSESSMENT = "assessment", "In assessment"
    APPROVED = "approved", "Approved"
    ON_HOLD = "on_hold", "On hold"
    ENDED = "ended", "Approval ended"


class PlacementRequestStatus(models.TextChoices):
    OPEN = "open", "Looking for a placement"
    FOUND = "found", "Placement found"
    WITHDRAWN = "withdrawn", "No longer needed"


# Age bands for the sufficiency view (the bands DfE publishes looked-after figures in).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", 0, 0),
    ("1 to 4", 1, 4),
    ("5 to 9", 5, 9),
    ("10 to 15", 10, 15),
    ("16 and over", 16, 25),
)
