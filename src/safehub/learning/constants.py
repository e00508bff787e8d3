"""Learning and quality assurance vocabulary (issue 10): serious incidents, the kinds of review and
their decisions, action plans and their RAG ratings, and the grades a case audit gives."""

from django.db import models


class IncidentKind(models.TextChoices):
    """Children Act 2004 s16C: the council notifies the national panel when abuse or neglect is
    known or suspected and a child has died or been seriously harmed in England."""

    DEATH = "death", "Child has died"
    SERIOUS_HARM = "serious_harm", "Child has been seriously harmed"


class ReviewKind(models.TextChoices):
    RAPID = "rapid", "Rapid review"
    LOCAL = "local", "Local child safeguarding practice review"
    NATIONAL = "national", "National review (national panel)"
    # Before Working Together 2018 replaced them; kept so old learning stays searchable.
    SERIOUS_CASE = "serious_case", "Serious case review (legacy)"


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    PUBLISHED = "published", "Published"


class RapidReviewDecision(models.TextChoices):
    """What a rapid review recommends to the partnership (Working Together 2023, chapter 5)."""

    LOCAL_REVIEW = "local_review", "Commission a local child safeguarding practice review"
    NATIONAL_PANEL = "national_panel", "Refer to the national panel for a national review"
    NO_FURTHER_REVIEW = "no_further_review", "No further review: learning through the action plan"


class ReviewerRole(models.TextChoices):
    LEAD = "lead", "Lead reviewer"
    INDEPENDENT = "independent", "Independent reviewer"
    PANEL = "panel", "Review panel member"


class ReturnStatus(models.TextChoices):
    """An agency's information return for a rapid review, tracked like a MASH information request."""

    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed, awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off by the partnership"


class Rag(models.TextChoices):
    """The owner's own rating of progress. Overdue is worked out from the due date, not rated."""

    RED = "red", "Red: off track"
    AMBER = "amber", "Amber: at risk"
    GREEN = "green", "Green: on track"


class AuditGrade(models.TextChoices):
    """The Ofsted judgement scale most audit tools use, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class ProgrammeStatus(models.TextChoices):
    AUDITING = "auditing", "Auditing"
    MODERATION = "moderation", "Moderation"
    COMPLETE = "complete", "Complete"


class CaseAuditStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Being audited"
    READY = "ready", "Ready for moderation"
    MODERATED = "moderated", "Moderated"


# Statutory timescales (PRODUCT.md "the clocks"): fixed in code with their source, not settings.
NOTIFICATION_WORKING_DAYS = 5  # Working Together 2023 ch. 5; Children Act 2004 s16C
RAPID_REVIEW_WORKING_DAYS = 15  # Working Together 2023 ch. 5: from the notification
LOCAL_REVIEW_MONTHS = 6  # Working Together 2023 ch. 5: from the decision to commission
# Local: an agency's information return for a rapid review is due this many working days after
# it is asked for, so the review can still meet its own 15 days.
AGENCY_RETURN_WORKING_DAYS = 5
