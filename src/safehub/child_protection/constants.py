"""Child in need and child protection vocabulary (issue 5). Codes come from the CIN census lists
in reference data; the choices here are Safehub's own steps and decisions, each mapped to what the
census records.
"""

from django.db import models

# Code lists (reference_data keys) this app records against.
REFERRAL_SOURCE_LIST = "cin.referralsourcetype"
PRIMARY_NEED_LIST = "cin.primaryneedcodetype"
CLOSURE_REASON_LIST = "cin.reasonforclosuretype"
CATEGORY_LIST = "cin.categoryofabuse"
FACTOR_LIST = "cin.assessmentfactorstype"

# CIN census rule 8869: "21" (no factors identified) stands alone. Rules 8945Q and 8950Q: the
# legacy 18A and 19A are not to be used from 2024-25; 18B/18C and 19B/19C replaced them.
NO_FACTORS = "21"
RETIRED_FACTORS = frozenset({"18A", "19A"})
# Closure reasons that mean "closed after assessment" need an assessment (rule 8825Q).
CLOSED_AFTER_ASSESSMENT = frozenset({"RC8", "RC9"})


class AssessmentOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    EARLY_HELP = "early_help", "Step down to early help"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY = "strategy", "Strategy discussion (possible section 47 enquiry)"
    LOOKED_AFTER = "looked_after", "The child needs to be looked after"
    OTHER = "other", "Other services"


class StrategyDecision(models.TextChoices):
    SECTION_47 = "s47", "Start a section 47 enquiry"
    CONTINUE_ASSESSMENT = "continue", "No section 47: continue the assessment or child in need work"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Section47Outcome(models.TextChoices):
    CONFERENCE = "conference", "Concerns substantiated: initial child protection conference"
    SUBSTANTIATED_NO_CONFERENCE = "cin", "Concerns substantiated, no conference: child in need work"
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"


class ConferenceDecision(models.TextChoices):
    PLAN = "plan", "Child protection plan"  # initial and transfer-in
    NO_PLAN = "no_plan", "No child protection plan"  # initial and transfer-in
    CONTINUE = "continue", "Continue the plan"  # review
    END = "end", "End the plan"  # review


INITIAL_DECISIONS = (ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN)
REVIEW_DECISIONS = (ConferenceDecision.CONTINUE, ConferenceDecision.END)


class PlanEndReason(models.TextChoices):
    REVIEW_CONFERENCE = "review", "Ended at a review conference: the child is no longer at risk"
    LOOKED_AFTER = "looked_after", "The child became looked after"
    TRANSFERRED = "transferred", "Transferred to another local authority"
    MOVED_AWAY = "moved", "The family moved away"
    ADULT = "adult", "The young person turned 18"
    DIED = "died", "The child died"
    OTHER = "other", "Other"


class VisitKind(models.TextChoices):
    CP = "cp", "Child protection visit"
    CIN = "cin", "Child in need visit"
    ASSESSMENT = "assessment", "Assessment visit"
    OTHER = "other", "Other statutory visit"


class Stage(models.TextChoices):
    """Where a referral is, for lists and the case header (derived, never stored)."""

    REFERRAL = "referral", "Referral"
    ASSESSMENT = "assessment", "Assessment"
    SECTION_47 = "s47", "Section 47 enquiry"
    CONFERENCE = "conference", "Awaiting conference"
    CP_PLAN = "cp_plan", "Child protection plan"
    CIN_PLAN = "cin_plan", "Child in need plan"
    CHILD_IN_NEED = "cin", "Child in need"
    CLOSED = "closed", "Closed"


class Clock(models.TextChoices):
    """The clocks this app puts on the task lists (casework Task.key)."""

    ASSESSMENT = "cin.assessment", "Child and family assessment"
    ICPC = "cp.icpc", "Initial child protection conference"
    FIRST_CORE_GROUP = "cp.first_core_group", "First core group"
    CORE_GROUP = "cp.core_group", "Core group"
    REVIEW_CONFERENCE = "cp.review_conference", "Review child protection conference"
    CP_VISIT = "cp.visit", "Child protection visit"
    CIN_VISIT = "cin.visit", "Child in need visit"
    CIN_PLAN_REVIEW = "cin.plan_review", "Child in need plan review"
