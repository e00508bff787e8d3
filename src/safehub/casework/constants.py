"""Casework vocabulary shared by the services that hold cases (issue 5).

Casework sits below child protection, early help and children in care: it knows that a child has
an *involvement* with a service, who is allocated to it, what tasks are due, what notes and
documents are on the record. It never knows what a conference or a placement is; the services
above describe their clocks to it as task specifications.
"""

from django.db import models


class CaseService(models.TextChoices):
    CHILD_IN_NEED = "cin", "Children's social care (child in need and child protection)"
    EARLY_HELP = "early_help", "Early help"
    LOOKED_AFTER = "looked_after", "Children in care"
    LEAVING_CARE = "leaving_care", "Leaving care"


class CaseLevel(models.TextChoices):
    """What the case is today, for caseload weighting: a child on a plan weighs more."""

    REFERRAL = "referral", "Referral awaiting assessment"
    ASSESSMENT = "assessment", "Child and family assessment"
    CHILD_IN_NEED = "cin", "Child in need"
    CHILD_PROTECTION = "cp", "Child protection"
    LOOKED_AFTER = "looked_after", "Looked after"
    EARLY_HELP = "early_help", "Early help"
    CARE_LEAVER = "care_leaver", "Care leaver"


# Default caseload weights. A council sets its own (the allocation screen shows both the count and
# the weighted figure), because a child on a plan with court work takes far longer than a referral.
DEFAULT_CASELOAD_WEIGHTS: dict[str, str] = {
    CaseLevel.REFERRAL: "0.5",
    CaseLevel.ASSESSMENT: "1.0",
    CaseLevel.CHILD_IN_NEED: "1.0",
    CaseLevel.CHILD_PROTECTION: "1.5",
    CaseLevel.LOOKED_AFTER: "1.5",
    CaseLevel.EARLY_HELP: "1.0",
    CaseLevel.CARE_LEAVER: "0.5",
}


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "No longer needed"


class TimescaleUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"


class LocalTimescale(models.TextChoices):
    """The local frequencies a council sets (PRODUCT.md, "the clocks"). Statutory ones are in code."""

    CP_VISIT = "cp_visit", "Child protection visits"
    CIN_VISIT = "cin_visit", "Child in need visits"
    CIN_PLAN_REVIEW = "cin_plan_review", "Child in need plan reviews"
    CORE_GROUP = "core_group", "Core groups after the first"
    DUE_SOON = "due_soon", "How far ahead a task counts as due soon"
    EH_ASSESSMENT = "eh_assessment", "Early help assessment, from the episode opening"
    EH_FIRST_TAF = "eh_first_taf", "First Team Around the Family meeting, from the episode opening"
    EH_PLAN_REVIEW = "eh_plan_review", "Early help family plan reviews"


LOCAL_TIMESCALE_DEFAULTS: dict[str, tuple[int, str]] = {
    LocalTimescale.CP_VISIT: (10, TimescaleUnit.WORKING_DAYS),
    LocalTimescale.CIN_VISIT: (20, TimescaleUnit.WORKING_DAYS),
    LocalTimescale.CIN_PLAN_REVIEW: (3, TimescaleUnit.MONTHS),
    LocalTimescale.CORE_GROUP: (6, TimescaleUnit.WEEKS),
    LocalTimescale.DUE_SOON: (5, TimescaleUnit.WORKING_DAYS),
    LocalTimescale.EH_ASSESSMENT: (30, TimescaleUnit.WORKING_DAYS),
    LocalTimescale.EH_FIRST_TAF: (20, TimescaleUnit.WORKING_DAYS),
    LocalTimescale.EH_PLAN_REVIEW: (6, TimescaleUnit.WEEKS),
}


class NoteKind(models.TextChoices):
    CASE_NOTE = "case_note", "Case note"
    HOME_VISIT = "home_visit", "Home visit"
    PHONE_CALL = "phone_call", "Telephone call"
    MEETING = "meeting", "Meeting"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight"
    SUPERVISION = "supervision", "Supervision"
    DIRECT_WORK = "direct_work", "Direct work with the child"
    PARTNER_CONTACT = "partner_contact", "Contact with a partner agency"
    CORRESPONDENCE = "correspondence", "Correspondence"


class DocumentStatus(models.TextChoices):
    """An upload is quarantined until a virus scan passes (R43); only `clean` can be downloaded."""

    QUARANTINED = "quarantined", "Waiting for a virus scan"
    CLEAN = "clean", "Available"
    INFECTED = "infected", "Blocked: the virus scan found a threat"
    SCAN_FAILED = "scan_failed", "Waiting: the virus scan could not run"


class DocumentSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded"
    LETTER = "letter", "Letter from a template"


# 903 SW_REASON: why the child's social worker changed (SSDA903 SWEpisodes; SSD invo_worker_change_reason).
SW_REASON_LIST = "903.sw_reason"
