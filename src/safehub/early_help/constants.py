"""Early help vocabulary (issue 9): where an episode comes from, how it ends, the needs a family
plan works on, and the scale progress is measured on."""

from django.db import models


class EpisodeSource(models.TextChoices):
    """How the family came to early help. Step-downs and front-door decisions are counted apart
    because their timeliness is reported (issue 9, item 5)."""

    FRONT_DOOR = "front_door", "Front door (MASH) decision"
    STEP_DOWN = "step_down", "Step-down from children's social care"
    PARTNER_REQUEST = "partner_request", "Partner's request for support"


class EndReason(models.TextChoices):
    NEEDS_MET = "needs_met", "Needs met"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    DECLINED = "declined", "Family declined early help"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Family withdrew consent"
    NOT_ENGAGED = "not_engaged", "Family did not engage"
    UNIVERSAL = "universal", "Needs can be met by universal services"


class MemberRole(models.TextChoices):
    """A family member's place in the episode. Only children get an involvement (caseloads count
    children; the adults are on the record so that the family tells its story once)."""

    CHILD = "child", "Child or young person"
    PARENT_CARER = "parent_carer", "Parent or carer"
    OTHER_ADULT = "other_adult", "Other adult in the household"


class NeedArea(models.TextChoices):
    """The headline needs of the Supporting Families outcome framework (2022), which councils
    report early help against; an assessment's needs and a plan's goals use the same list."""

    EDUCATION = "education", "Getting a good education"
    EARLY_YEARS = "early_years", "Good early years development"
    HEALTH = "health", "Improved mental and physical health"
    SUBSTANCE_USE = "substance_use", "Promoting recovery and reducing harm from substance use"
    RELATIONSHIPS = "relationships", "Improved family relationships"
    SAFE_FROM_ABUSE = "safe_from_abuse", "Children safe from abuse and exploitation"
    CRIME = "crime", "Crime prevention and tackling crime"
    DOMESTIC_ABUSE = "domestic_abuse", "Safe from domestic abuse"
    HOUSING = "housing", "Secure housing"
    FINANCES = "finances", "Financial stability"


class ConsentState(models.TextChoices):
    """Early help is consensual: each change is a new row, so what the family agreed to, when,
    and what happened when they stopped agreeing are all kept."""

    GIVEN = "given", "Consent given"
    DECLINED = "declined", "Consent declined"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class TafRole(models.TextChoices):
    LEAD_PROFESSIONAL = "lead", "Lead professional"
    MEMBER = "member", "Member"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class MeetingKind(models.TextChoices):
    INITIAL = "initial", "First TAF meeting"
    REVIEW = "review", "Review"
    CLOSING = "closing", "Closing meeting"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class StepDirection(models.TextChoices):
    UP = "up", "Step-up to children's social care"
    DOWN = "down", "Step-down to early help"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for the early help team"
    ACCEPTED = "accepted", "Accepted: early help episode opened"
    DECLINED = "declined", "Declined"


# The progress scale for a plan's goals, outcome-star style: 1 is "stuck", 10 is "self-reliant".
SCORE_MIN = 1
SCORE_MAX = 10


class Clock(models.TextChoices):
    """Early help's clocks as casework tasks (keys are `casework.Task.key`)."""

    ASSESSMENT = "eh.assessment", "Early help assessment due"
    FIRST_TAF = "eh.first_taf", "First Team Around the Family meeting due"
    PLAN_REVIEW = "eh.plan_review", "Family plan review due"
    ACTION = "eh.action", "TAF action due"
