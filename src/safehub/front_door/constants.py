"""The front door's vocabulary: channels, concerns, consent, lawful bases, RAG, outcomes, clocks.

Codes are TextChoices so that forms, the API and the returns read one list. The referral source
is not here: it is the CIN census code list (`cin.referralsourcetype`, rule 8866) in reference_data.
"""

from django.db import models

REFERRAL_SOURCE_LIST = "cin.referralsourcetype"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    OUT_OF_HOURS = "out_of_hours", "Out-of-hours service"
    POLICE_NOTIFICATION = "police_notification", "Police notification (for example domestic abuse)"
    IN_PERSON = "in_person", "In person"
    PORTAL = "portal", "Professional referral portal"
    API = "api", "Partner system"
    # A contact brought over from the council's previous case system (SSD import, issue 7).
    IMPORTED = "imported", "Imported from the previous case system"
    # A family stepped up from early help, with its early help history (issue 9, ADR 0007 §6).
    EARLY_HELP = "early_help", "Step-up from early help"


class ContactStatus(models.TextChoices):
    AWAITING_SCREENING = "awaiting_screening", "Awaiting screening"
    IN_PROGRESS = "in_progress", "Screened: gathering information"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Decision awaiting authorisation"
    DECIDED = "decided", "Decided"


OPEN_STATUSES = (
    ContactStatus.AWAITING_SCREENING,
    ContactStatus.IN_PROGRESS,
    ContactStatus.AWAITING_AUTHORISATION,
)


class ConcernCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Child sexual exploitation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Child criminal exploitation"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parental mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Parental substance misuse"
    MISSING = "missing", "Missing from home, care or education"
    SELF_HARM = "self_harm", "Self-harm or suicidal thoughts"
    ONLINE_HARM = "online_harm", "Online harm"
    RADICALISATION = "radicalisation", "Radicalisation"
    FGM = "fgm", "Female genital mutilation"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    HOUSING = "housing", "Housing or homelessness"
    OTHER = "other", "Other"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Sought and given"
    REFUSED = "refused", "Sought and refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class LawfulBasis(models.TextChoices):
    """The basis for processing and for sharing (R33), kept apart from consent.

    Consent is a courtesy asked of the family where it is safe; the basis for processing in
    safeguarding is almost always the public task with the safeguarding condition of the
    Data Protection Act 2018, whatever the family said.
    """

    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        "UK GDPR Art 6(1)(e) public task, with Art 9(2)(g) and DPA 2018 Sch 1 para 18 "
        "(safeguarding of children and individuals at risk)",
    )
    LEGAL_OBLIGATION = (
        "legal_obligation",
        "UK GDPR Art 6(1)(c) legal obligation (Children Act 1989 s17, s47), "
        "with Art 9(2)(g) and DPA 2018 Sch 1 para 18",
    )
    VITAL_INTERESTS = "vital_interests", "UK GDPR Art 6(1)(d) and Art 9(2)(c) vital interests"
    CONSENT = "consent", "UK GDPR Art 6(1)(a) consent and Art 9(2)(a) explicit consent"
    LAW_ENFORCEMENT = "law_enforcement", "DPA 2018 Part 3 law enforcement processing (police)"


class SubjectRole(models.TextChoices):
    CHILD = "child", "Child the contact is about"
    UNBORN_CHILD = "unborn_child", "Unborn child"
    PARENT_CARER = "parent_carer", "Parent or carer"
    OTHER_ADULT = "other_adult", "Other adult in the household"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Adult alleged to pose a risk"


CHILD_ROLES = (SubjectRole.CHILD, SubjectRole.UNBORN_CHILD)
ADULT_ROLES = (SubjectRole.PARENT_CARER, SubjectRole.OTHER_ADULT, SubjectRole.ALLEGED_PERPETRATOR)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ClockKey(models.TextChoices):
    """Each configurable clock. Defaults (issue 4) are seeded by migration 0002."""

    RAG_RED = "rag_red", "Red screening"
    RAG_AMBER = "rag_amber", "Amber screening"
    RAG_GREEN = "rag_green", "Green screening"
    DECISION = "decision", "Referral decision"
    REQUEST_RED = "request_red", "Partner answer to a red request"
    REQUEST_AMBER = "request_amber", "Partner answer to an amber request"
    REQUEST_GREEN = "request_green", "Partner answer to a green request"
    ESCALATION = "escalation", "Escalation after a reminder"


class ClockUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", "working hours"
    WORKING_DAYS = "working_days", "working days"


# key: (amount, unit). Working days count whole office days (same time, n working days later).
CLOCK_DEFAULTS: dict[str, tuple[int, str]] = {
    ClockKey.RAG_RED: (4, ClockUnit.WORKING_HOURS),
    ClockKey.RAG_AMBER: (1, ClockUnit.WORKING_DAYS),
    ClockKey.RAG_GREEN: (3, ClockUnit.WORKING_DAYS),
    ClockKey.DECISION: (1, ClockUnit.WORKING_DAYS),
    ClockKey.REQUEST_RED: (2, ClockUnit.WORKING_HOURS),
    ClockKey.REQUEST_AMBER: (4, ClockUnit.WORKING_HOURS),
    ClockKey.REQUEST_GREEN: (2, ClockUnit.WORKING_DAYS),
    ClockKey.ESCALATION: (2, ClockUnit.WORKING_HOURS),
}

RAG_CLOCK: dict[str, str] = {
    Rag.RED: ClockKey.RAG_RED,
    Rag.AMBER: ClockKey.RAG_AMBER,
    Rag.GREEN: ClockKey.RAG_GREEN,
}
REQUEST_CLOCK: dict[str, str] = {
    Rag.RED: ClockKey.REQUEST_RED,
    Rag.AMBER: ClockKey.REQUEST_AMBER,
    Rag.GREEN: ClockKey.REQUEST_GREEN,
}


class IntakeAlertKind(models.TextChoices):
    REPEAT_CONTACT = "repeat_contact", "Repeat contact"
    MULTI_AGENCY = "multi_agency", "Concerns from more than one agency"
    FLAGGED_ADULT = "flagged_adult", "Adult with a risk flag"


REPEAT_CONTACT_THRESHOLD = 3  # the third contact about a child within REPEAT_WINDOW_DAYS
REPEAT_WINDOW_DAYS = 365
MULTI_AGENCY_WINDOW_DAYS = 7


class RequestStatus(models.TextChoices):
    OPEN = "open", "Awaiting answer"
    ANSWERED = "answered", "Information shared"
    NO_TRACE = "no_trace", "No trace"
    HELD_NOT_SHAREABLE = "held_not_shareable", "Held but not shareable"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ResponseKind(models.TextChoices):
    INFORMATION = "information", "Information shared"
    NO_TRACE = "no_trace", "No trace"
    HELD_NOT_SHAREABLE = "held_not_shareable", "Information held but not shareable without …"


RESPONSE_STATUS: dict[str, str] = {
    ResponseKind.INFORMATION: RequestStatus.ANSWERED,
    ResponseKind.NO_TRACE: RequestStatus.NO_TRACE,
    ResponseKind.HELD_NOT_SHAREABLE: RequestStatus.HELD_NOT_SHAREABLE,
}


class Sensitivity(models.TextChoices):
    OFFICIAL = "official", "Official"
    OFFICIAL_SENSITIVE = "official_sensitive", "Official-sensitive"
    NOT_FOR_FAMILY = "not_for_family", "Official-sensitive: not to be disclosed to the family"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    ADVICE = "advice", "Advice or signposting"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Child and family assessment by children's social care"
    STRATEGY = "strategy", "Strategy discussion (section 47 path)"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"
    RETURNED = "returned", "Returned for more work"


class HandoverService(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Children's social care: assessment"
    CHILD_PROTECTION = "child_protection", "Children's social care: strategy discussion"


OUTCOME_HANDOVER: dict[str, str] = {
    Outcome.EARLY_HELP: HandoverService.EARLY_HELP,
    Outcome.ASSESSMENT: HandoverService.ASSESSMENT,
    Outcome.STRATEGY: HandoverService.CHILD_PROTECTION,
}


class HandoverStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be picked up"
    PICKED_UP = "picked_up", "Picked up"


class FeedbackChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Portal only"


class FeedbackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, will retry"
    GAVE_UP = "gave_up", "Failed; needs attention"
    NOT_EMAILED = "not_emailed", "Shown in the portal only"
    WITHHELD = "withheld", "Withheld by the MASH"


class FeedbackChoice(models.TextChoices):
    """What the authorising manager decides the referrer is told (issue 4, item 7).

    Telling a referrer "the police are involved" before a strategy discussion can tip off an
    alleged abuser, and a family member or neighbour who referred is not a professional with a
    duty of confidence; so the manager chooses, and the default is cautious for those cases.
    """

    SEND = "send", "Tell the referrer the outcome"
    PORTAL_ONLY = "portal_only", "Show it in the portal only; do not e-mail"
    WITHHOLD = "withhold", "Do not tell the referrer now"


FEEDBACK_MAX_ATTEMPTS = 5
