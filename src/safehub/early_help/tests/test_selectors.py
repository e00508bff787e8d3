"""Episode lists, caseloads, reviews due, requests and the dashboard (issue 9, item 6)."""

from datetime import date, timedelta

import pytest

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.early_help.constants import ConsentState, EndReason, StepDirection
from safehub.early_help.models import Step
from safehub.early_help.selectors import (
    caseload,
    early_help_dashboard,
    episode_get,
    episode_list,
    reviews_due,
    steps_down_waiting,
    support_requests_waiting,
)
from safehub.early_help.services import (
    NewGoal,
    consent_record,
    episode_close,
    plan_review_record,
    plan_start,
    support_request_submit,
)
from safehub.people.tests.factories import restrict
from safehub.platform.errors import PermissionRefused

from .factories import OPENED, TODAY, child, eh_staff, opened, partner

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_team_worker_and_open_and_is_audited():
    team, (ann, ben) = eh_staff(Role.EARLY_HELP, Role.EARLY_HELP)
    other_team, (cat,) = eh_staff()
    a = opened(ann, team=team)
    b = opened(ann, team=team, worker=ben)
    c = opened(cat)
    assert {e.pk for e in episode_list(actor=ann).episodes} == {a.pk, b.pk, c.pk}
    assert {e.pk for e in episode_list(actor=ann, team_id=team.pk).episodes} == {a.pk, b.pk}
    assert [e.pk for e in episode_list(actor=ann, worker_id=ben.pk).episodes] == [b.pk]
    episode_close(
        actor=ann, episode=a, expected_version=a.version, closed_on=TODAY, end_reason=EndReason.NEEDS_MET
    )
    assert a.pk not in {e.pk for e in episode_list(actor=ann).episodes}
    assert a.pk in {e.pk for e in episode_list(actor=ann, open_only=False).episodes}
    page = episode_list(actor=ann, team_id=other_team.pk)
    next_due = page.episodes[0].next_due_on  # type: ignore[attr-defined]
    assert (page.total, page.pages, next_due) == (1, 1, date(2026, 10, 29))
    assert AuditEvent.objects.filter(section="episode_list", verb="list").exists()
    episode_get(actor=ann, id=c.pk, section="episode")
    assert AuditEvent.objects.filter(object_id=str(c.pk), section="episode", verb="view").exists()


def test_caseload_counts_families_and_children_per_worker():
    team, (ann, ben) = eh_staff(Role.EARLY_HELP, Role.EARLY_HELP)
    opened(ann, team=team, children=[child(), child()])
    opened(ann, team=team)
    opened(ann, team=team, worker=ben)
    rows = {r.worker_id: (r.families, r.children) for r in caseload(actor=ann, team_id=team.pk)}
    assert rows == {ann.pk: (2, 3), ben.pk: (1, 1)}


def test_reviews_due_lists_plan_reviews_due_soon_or_overdue():
    _team, (ann,) = eh_staff()
    soon, later = opened(ann), opened(ann)
    goals = [NewGoal("education", "School every day", 3)]
    plan_start(actor=ann, episode=soon, started_on=date(2026, 10, 20), summary="", goals=goals)
    plan_start(actor=ann, episode=later, started_on=TODAY, summary="", goals=goals)
    due = reviews_due(actor=ann, within_days=14)
    assert [t.due_on for t in due] == [date(2026, 12, 1)]
    assert reviews_due(actor=partner()) == []


def test_the_dashboard_counts_families_through_the_policy():
    team, (ann,) = eh_staff()
    one = opened(ann, team=team)
    two = opened(ann, team=team)
    opened(ann, team=team)
    plan = plan_start(
        actor=ann,
        episode=one,
        started_on=date(2026, 10, 5),
        summary="",
        goals=[NewGoal("education", "School every day", 3), NewGoal("housing", "Damp fixed", 2)],
    )
    school_goal, damp = plan.goals.all()
    plan_review_record(
        actor=ann,
        plan=plan,
        reviewed_on=date(2026, 11, 16),
        scores={school_goal.pk: 9, damp.pk: 4},
        summary="",
        family_views="",
        achieved=[school_goal.pk],
    )
    episode_close(
        actor=ann, episode=one, expected_version=one.version, closed_on=TODAY, end_reason=EndReason.NEEDS_MET
    )
    consent_record(
        actor=ann,
        episode=two,
        state=ConsentState.DECLINED,
        recorded_on=OPENED,
        next_steps="No safeguarding concern; universal services.",
    )
    two.refresh_from_db()
    episode_close(
        actor=ann, episode=two, expected_version=two.version, closed_on=TODAY, end_reason=EndReason.DECLINED
    )
    third = opened(ann, team=team)
    Step.objects.create(
        direction=StepDirection.DOWN,
        episode=third,
        person=third.members.get().person,
        requested_on=date(2026, 11, 10),
        completed_on=date(2026, 11, 16),
        reason="Handover",
        requested_by=ann,
    )
    Step.objects.create(
        direction=StepDirection.DOWN,
        person=child(),
        requested_on=date(2026, 11, 20),
        reason="Handover",
        requested_by=ann,
    )
    Step.objects.create(
        direction=StepDirection.UP,
        episode=third,
        person=third.members.get().person,
        requested_on=date(2026, 11, 20),
        reason="Worry about neglect",
        requested_by=ann,
    )
    board = early_help_dashboard(actor=ann)
    assert board.open_episodes == 2
    assert board.goals_achieved == 1
    assert [(o.end_reason, o.families, o.distance_travelled) for o in board.outcomes] == [
        (EndReason.NEEDS_MET, 1, 4.0),  # ((9 - 3) + (4 - 2)) / 2
        (EndReason.DECLINED, 1, None),
    ]
    down, up = board.steps[StepDirection.DOWN], board.steps[StepDirection.UP]
    assert (down.requested, down.completed, down.waiting, down.median_days) == (2, 1, 1, 6)
    assert (up.requested, up.completed, up.waiting, up.median_days) == (1, 0, 1, None)
    assert board.open_by_team == [(team.name, 2)]
    assert board.reviews_overdue == board.reviews_due == 0
    assert [s.requested_on for s in steps_down_waiting(actor=ann)] == [date(2026, 11, 20)]
    assert steps_down_waiting(actor=partner()) == []
    with pytest.raises(PermissionRefused):
        early_help_dashboard(actor=partner())


def test_a_partners_counts_are_only_their_episodes():
    _team, (ann,) = eh_staff()
    opened(ann)
    head = partner()
    opened(ann, lead_professional=head, organisation=head.agency)
    assert [e.lead_professional for e in episode_list(actor=head).episodes] == [head]
    assert sum(r.families for r in caseload(actor=head)) == 1
    assert sum(r.families for r in caseload(actor=ann)) == 2


def test_requests_waiting_are_for_the_early_help_team():
    _team, (ann,) = eh_staff()
    head = partner()
    request = support_request_submit(
        actor=head,
        child_first_name="Amira",
        child_last_name="Synthetic",
        child_date_of_birth=date(2017, 3, 14),
        reason="Attendance.",
        family_consents=True,
        submitted_on=TODAY - timedelta(days=1),
    )
    assert support_requests_waiting(actor=ann) == [request]
    assert support_requests_waiting(actor=head) == []
    assert support_requests_waiting(actor=UserFactory(role=Role.SOCIAL_WORKER)) == []


def test_a_performance_analyst_counts_every_family_but_the_restricted_ones():
    """R22: the dashboard counts families its reader may not open one by one, never a restricted
    one; and a count gives the analyst no way into an episode (R18)."""
    _team, (ann,) = eh_staff()
    opened(ann)
    hidden_child = child()
    opened(ann, children=[hidden_child])
    restrict(hidden_child)
    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST)
    assert early_help_dashboard(actor=analyst).open_episodes == 1
    assert episode_list(actor=analyst).episodes == []
