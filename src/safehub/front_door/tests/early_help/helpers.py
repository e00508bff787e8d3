"""Early help handovers, families with an early help history, and step-downs (synthetic data only)."""

from datetime import timedelta
from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.early_help.constants import (
    ConsentState,
    GoalStatus,
    MeetingKind,
    MemberRole,
    NeedArea,
)
from safehub.early_help.models import (
    Consent,
    EarlyHelpAssessment,
    EarlyHelpEpisode,
    FamilyPlan,
    GoalScore,
    PlanGoal,
    PlanReview,
    TafMeeting,
)
from safehub.early_help.tests.factories import adult, child, eh_staff, opened, school, taf_member
from safehub.platform import clock

from ...constants import ContactStatus, Outcome, Rag
from ...models import Contact, Handover
from ..handover_intake.helpers import handover_with_children

FAMILY_WORDS = "We want the mornings to be calmer so the children get to school on time."
GOAL = "Amira goes to school every day"
TAF_NAME = "Priya Synthetic"


def early_help_handover(*, children: int = 1) -> Handover:
    """A contact decided "early help" by the MASH, with `children` linked children and a parent,
    and its waiting handover."""
    return handover_with_children(outcome=Outcome.EARLY_HELP, children=children)


def eh_practitioner() -> tuple[Any, Any]:
    """An early help team and a practitioner in it (who may pick up and open episodes)."""
    team, (practitioner,) = eh_staff()
    return team, practitioner


def family_with_history(actor: Any) -> EarlyHelpEpisode:
    """An open episode (two children, a mother) with consent, an assessment in the family's words,
    a plan whose goal moved from 3 to 6 at a review, and a school's designated lead on the TAF."""
    opened_on = clock.today() - timedelta(days=60)
    episode = opened(
        actor,
        family_name="the Quarrendon family",
        opened_on=opened_on,
        children=[child(), child()],
        adults=[(adult(), MemberRole.PARENT_CARER)],
        reason="Attendance fell to 82% after the family moved into temporary housing.",
    )
    Consent.objects.create(
        episode=episode,
        state=ConsentState.GIVEN,
        recorded_on=opened_on,
        scope="The school and the health visitor may share what they know with the team.",
        recorded_by=actor,
    )
    EarlyHelpAssessment.objects.create(
        episode=episode,
        started_on=opened_on,
        completed_on=opened_on + timedelta(days=20),
        completed_by=actor,
        needs=[NeedArea.EDUCATION, NeedArea.HOUSING],
        needs_summary="Mornings are chaotic; the family is in one room of a hostel.",
        family_views=FAMILY_WORDS,
        child_views="I miss my friends when I am late.",
        updated_by=actor,
    )
    plan = FamilyPlan.objects.create(
        episode=episode, started_on=opened_on + timedelta(days=21), updated_by=actor
    )
    goal = PlanGoal.objects.create(plan=plan, area=NeedArea.EDUCATION, description=GOAL, baseline=3)
    PlanGoal.objects.create(
        plan=plan,
        area=NeedArea.HOUSING,
        description="Move to a settled home",
        baseline=2,
        status=GoalStatus.OPEN,
    )
    taf_member(
        episode, name=TAF_NAME, agency=school("Synthetic Primary"), job_title="Designated safeguarding lead"
    )
    meeting = TafMeeting.objects.create(
        episode=episode, kind=MeetingKind.REVIEW, held_on=opened_on + timedelta(days=50), recorded_by=actor
    )
    review = PlanReview.objects.create(
        plan=plan,
        reviewed_on=opened_on + timedelta(days=50),
        meeting=meeting,
        family_views="Things are a bit better since the breakfast club.",
        recorded_by=actor,
    )
    GoalScore.objects.create(review=review, goal=goal, score=6)
    return episode


def screened(contact: Contact) -> Contact:
    """The MASH has rated the step-up contact amber (so a decision may be proposed on it)."""
    now = clock.now()
    contact.status = ContactStatus.IN_PROGRESS
    contact.rag = Rag.AMBER
    contact.rag_due_at = now + timedelta(days=1)
    contact.screened_at = now
    contact.save(update_fields=["status", "rag", "rag_due_at", "screened_at"])
    return contact


def mash_manager() -> Any:
    return UserFactory(role=Role.MASH_MANAGER)
