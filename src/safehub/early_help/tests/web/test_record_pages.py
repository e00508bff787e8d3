"""The forms under an episode (issue 9, items 2-4): the assessment, consent, the team, meetings,
actions, the plan and its reviews. Each happy path writes through its service; each refusal is
the service's reason at the field, in the GOV.UK error summary, with nothing written."""

from datetime import date

import pytest

from safehub.early_help.constants import (
    ActionStatus,
    Attendance,
    ConsentState,
    GoalStatus,
    MeetingKind,
    NeedArea,
)
from safehub.early_help.models import (
    Consent,
    EarlyHelpAssessment,
    FamilyPlan,
    GoalScore,
    PlanAction,
    TafMeeting,
    TafMember,
)
from safehub.early_help.services.assessment import assessment_start, assessment_update
from safehub.early_help.services.plan import NewGoal, plan_start

from ..factories import TODAY, opened, partner, practitioner, school, taf_member
from .conftest import day, url

pytestmark = pytest.mark.django_db


def _error_at(response, field: str, text: str) -> None:
    """The message is in the error summary, linked to the field's box, and beside the field."""
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert f'href="#id_{field}' in body, body[body.find("govuk-error-summary") :][:1500]
    assert text in body


@pytest.fixture
def family(login):
    worker = practitioner()
    episode = opened(worker)
    return worker, episode, login(worker)


def test_starting_updating_and_completing_the_assessment(family) -> None:
    _worker, episode, client = family
    assert (
        client.post(url("assessment_start", episode), day("started_on", date(2026, 10, 5))).status_code == 302
    )
    assessment = EarlyHelpAssessment.objects.get(episode=episode)
    assert client.get(url("assessment_edit", episode)).status_code == 200
    response = client.post(
        url("assessment_edit", episode),
        {
            "version": assessment.version,
            "strengths": "A warm home.",
            "needs": [NeedArea.EDUCATION],
            "needs_summary": "School attendance.",
            "family_views": "We want mornings to be easier.",
            "child_views": "",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    response = client.post(
        url("assessment_complete", episode), {"version": assessment.version} | day("completed_on", TODAY)
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_on == TODAY


def test_completing_without_the_familys_views_is_refused(family) -> None:
    worker, episode, client = family
    assessment = assessment_start(actor=worker, episode=episode, started_on=date(2026, 10, 5))
    response = client.post(
        url("assessment_complete", episode), {"version": assessment.version} | day("completed_on", TODAY)
    )
    assert "Choose at least one of the family" in response.content.decode()
    assert EarlyHelpAssessment.objects.get(pk=assessment.pk).completed_on is None


def test_no_running_assessment_means_no_edit_page(family) -> None:
    _worker, episode, client = family
    assert client.get(url("assessment_edit", episode)).status_code == 404


def test_recording_consent_and_a_withdrawal_needs_next_steps(family) -> None:
    _worker, episode, client = family
    given = client.post(
        url("consent_record", episode),
        {"state": ConsentState.GIVEN, "scope": "School and health may share."}
        | day("recorded_on", date(2026, 10, 2)),
    )
    assert given.status_code == 302
    refused = client.post(
        url("consent_record", episode), {"state": ConsentState.WITHDRAWN} | day("recorded_on", TODAY)
    )
    _error_at(refused, "next_steps", "Say what happens now that the family has withdrawn consent")
    assert Consent.objects.filter(episode=episode).count() == 1


def test_adding_a_partner_to_the_team_lets_them_see_the_family(family, login) -> None:
    _worker, episode, staff_client = family
    agency = school()
    lead = partner(agency=agency)
    response = staff_client.post(
        url("taf_member_add", episode),
        {"email": lead.email, "agency": str(agency.pk), "role": "member"} | day("joined_on", TODAY),
    )
    assert response.status_code == 302
    member = TafMember.objects.get(episode=episode, user=lead)
    assert member.name == lead.full_name
    partner_client = login(lead)
    assert partner_client.get(url("episode", episode)).status_code == 200
    # Leaving takes the family from their sight the same day (ADR 0007 §2).
    partner_client.force_login(_worker)
    assert (
        partner_client.post(url("taf_member_leave", episode, member), day("left_on", TODAY)).status_code
        == 302
    )
    partner_client.force_login(lead)
    assert partner_client.get(url("episode", episode)).status_code == 404


def test_a_member_without_an_organisation_is_refused(family) -> None:
    _worker, episode, client = family
    response = client.post(
        url("taf_member_add", episode), {"name": "Sam Synthetic", "role": "member"} | day("joined_on", TODAY)
    )
    _error_at(response, "agency", "Choose the member")


def test_recording_a_meeting_with_attendance_and_an_action(family) -> None:
    _worker, episode, client = family
    member = taf_member(episode, name="Sam Synthetic")
    assert client.get(url("meeting_record", episode)).status_code == 200
    response = client.post(
        url("meeting_record", episode),
        {
            "kind": MeetingKind.INITIAL,
            "family_attended": "on",
            f"attendance_{member.pk}": Attendance.ATTENDED,
            "notes": "Agreed a morning routine.",
            "action_1_description": "Walk Amira to school on Mondays",
            "action_1_owner": str(member.pk),
        }
        | day("held_on", TODAY)
        | day("action_1_due_on", date(2026, 12, 7)),
    )
    assert response.status_code == 302
    meeting = TafMeeting.objects.get(episode=episode)
    assert meeting.attendance.get().attendance == Attendance.ATTENDED
    assert PlanAction.objects.get(meeting=meeting).owner == member


def test_a_meeting_action_without_an_owner_is_refused_at_its_row(family) -> None:
    """Bad input (issue 9): an action without an owner is refused with the reason at the field."""
    _worker, episode, client = family
    member = taf_member(episode, name="Sam Synthetic")
    response = client.post(
        url("meeting_record", episode),
        {
            "kind": MeetingKind.INITIAL,
            f"attendance_{member.pk}": Attendance.ATTENDED,
            "action_1_description": "Someone phones the GP",
        }
        | day("held_on", TODAY)
        | day("action_1_due_on", date(2026, 12, 7)),
    )
    _error_at(response, "action_1_owner", "Every action needs an owner")
    assert not TafMeeting.objects.filter(episode=episode).exists()


def test_adding_and_finishing_an_action(family) -> None:
    _worker, episode, client = family
    member = taf_member(episode, name="Sam Synthetic")
    response = client.post(
        url("action_add", episode),
        {"description": "Book the parenting course", "owner": str(member.pk)}
        | day("due_on", date(2026, 12, 1)),
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(episode=episode)
    assert client.get(url("action_update", episode, action)).status_code == 200
    response = client.post(
        url("action_update", episode, action),
        {"version": action.version, "status": ActionStatus.DONE, "owner": str(member.pk)}
        | day("completed_on", TODAY),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_an_action_without_an_owner_is_refused_at_the_field(family) -> None:
    _worker, episode, client = family
    taf_member(episode, name="Sam Synthetic")
    response = client.post(
        url("action_add", episode), {"description": "Book the course"} | day("due_on", date(2026, 12, 1))
    )
    _error_at(response, "owner", "Every action needs an owner")
    assert not PlanAction.objects.filter(episode=episode).exists()


def test_an_action_of_another_family_is_404(family) -> None:
    worker, episode, client = family
    other = opened(worker, family_name="the Other family")
    member = taf_member(other)
    client.post(
        url("action_add", other), {"description": "x", "owner": str(member.pk)} | day("due_on", TODAY)
    )
    action = PlanAction.objects.get(episode=other)
    assert client.get(url("action_update", episode, action)).status_code == 404


def test_starting_the_plan_and_reviewing_it(family) -> None:
    _worker, episode, client = family
    response = client.post(
        url("plan_start", episode),
        {
            "summary": "Mornings and school.",
            "goal_1_area": NeedArea.EDUCATION,
            "goal_1_description": "Amira goes to school every day",
            "goal_1_baseline": "3",
        }
        | day("started_on", date(2026, 10, 10)),
    )
    assert response.status_code == 302
    plan = FamilyPlan.objects.get(episode=episode)
    goal = plan.goals.get()
    assert (
        client.post(
            url("goal_add", episode),
            {"area": NeedArea.HEALTH, "description": "Sleep better", "baseline": "2"},
        ).status_code
        == 302
    )
    second = plan.goals.exclude(pk=goal.pk).get()
    response = client.post(
        url("plan_review", episode),
        {f"score_{goal.pk}": "7", f"score_{second.pk}": "4", "achieved": [str(goal.pk)], "summary": "Better."}
        | day("reviewed_on", TODAY),
    )
    assert response.status_code == 302
    assert GoalScore.objects.get(goal=goal).score == 7
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    page = client.get(url("episode", episode)).content.decode()
    assert "+4" in page  # distance travelled: 7 from a baseline of 3


def test_a_plan_goal_without_a_baseline_is_refused_at_its_row(family) -> None:
    _worker, episode, client = family
    response = client.post(
        url("plan_start", episode),
        {"goal_1_area": NeedArea.EDUCATION, "goal_1_description": "School every day"}
        | day("started_on", TODAY),
    )
    _error_at(response, "goal_1_baseline", "Score where the family is starting from")


def test_a_review_before_the_plan_is_refused(family) -> None:
    """Bad input (issue 9): no review before there is a plan, nor dated before it started."""
    worker, episode, client = family
    page = client.get(url("plan_review", episode)).content.decode()
    assert "The family has no plan yet" in page
    plan = plan_start(
        actor=worker,
        episode=episode,
        started_on=date(2026, 11, 1),
        summary="",
        goals=[NewGoal(NeedArea.EDUCATION, "School every day", 3)],
    )
    goal = plan.goals.get()
    response = client.post(
        url("plan_review", episode), {f"score_{goal.pk}": "5"} | day("reviewed_on", date(2026, 10, 20))
    )
    _error_at(response, "reviewed_on", "A review cannot be before the plan started")
    missing = client.post(url("plan_review", episode), day("reviewed_on", TODAY))
    _error_at(missing, f"score_{goal.pk}", "Score the goal")


def test_a_partner_on_the_team_records_but_a_stale_edit_is_a_conflict(login) -> None:
    """R49: an assessment saved by someone else since the form was read is refused, not overwritten."""
    worker = practitioner()
    episode = opened(worker)
    lead = partner()
    taf_member(episode, user=lead)
    assessment = assessment_start(actor=worker, episode=episode, started_on=date(2026, 10, 5))
    stale = assessment.version
    assessment_update(
        actor=worker,
        assessment=assessment,
        expected_version=stale,
        strengths="First.",
        needs=[],
        needs_summary="",
        family_views="",
        child_views="",
    )
    client = login(lead)
    response = client.post(
        url("assessment_edit", episode),
        {
            "version": stale,
            "strengths": "Second.",
            "needs_summary": "",
            "family_views": "",
            "child_views": "",
        },
    )
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert EarlyHelpAssessment.objects.get(pk=assessment.pk).strengths == "First."
