"""plan_start, goal_add, plan_review_record (issue 9, item 4; ADR 0007 §5)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.early_help.constants import Clock, GoalStatus, NeedArea
from safehub.early_help.models import GoalScore
from safehub.early_help.services import NewGoal, goal_add, plan_review_record, plan_start

from ..factories import GOALS, OPENED, TODAY, opened, practitioner

pytestmark = pytest.mark.django_db

STARTED = date(2026, 10, 22)


def _plan(actor, episode, started_on=STARTED):
    return plan_start(
        actor=actor,
        episode=episode,
        started_on=started_on,
        summary="Calmer mornings, school every day.",
        goals=[NewGoal(*goal) for goal in GOALS],
    )


def test_a_plan_starts_with_goals_and_the_review_clock():
    worker = practitioner()
    episode = opened(worker)
    plan = _plan(worker, episode)
    assert [(g.area, g.baseline, g.status) for g in plan.goals.all()] == [
        (NeedArea.EDUCATION, 3, GoalStatus.OPEN),
        (NeedArea.RELATIONSHIPS, 4, GoalStatus.OPEN),
    ]
    assert Task.objects.get(key=Clock.PLAN_REVIEW).due_on == STARTED + timedelta(weeks=6)
    with pytest.raises(ValidationError) as error:
        _plan(worker, episode)
    assert "plan started on 22 October 2026" in error.value.message_dict["__all__"][0]


def test_goals_need_an_area_words_and_a_baseline_on_the_scale():
    worker = practitioner()
    episode = opened(worker)
    with pytest.raises(ValidationError) as error:
        plan_start(
            actor=worker, episode=episode, started_on=STARTED, summary="", goals=[NewGoal("x", " ", 11)]
        )
    assert {"area", "description", "baseline"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        plan_start(actor=worker, episode=episode, started_on=STARTED, summary="", goals=[])
    assert "goals" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _plan(worker, episode, started_on=OPENED - timedelta(days=1))
    assert "started_on" in error.value.message_dict


def test_a_review_before_the_plan_is_refused_at_the_field():
    """Issue 9, bad input: a review before the plan."""
    worker = practitioner()
    plan = _plan(worker, opened(worker))
    goals = list(plan.goals.all())
    with pytest.raises(ValidationError) as error:
        plan_review_record(
            actor=worker,
            plan=plan,
            reviewed_on=date(2026, 10, 21),
            scores={g.pk: 5 for g in goals},
            summary="",
            family_views="",
        )
    assert error.value.message_dict["reviewed_on"] == [
        "A review cannot be before the plan started on 22 October 2026."
    ]


def test_a_review_scores_every_open_goal_marks_achievements_and_moves_the_clock():
    worker = practitioner()
    plan = _plan(worker, opened(worker))
    school_goal, home_goal = plan.goals.all()
    with pytest.raises(ValidationError) as error:
        plan_review_record(
            actor=worker,
            plan=plan,
            reviewed_on=TODAY,
            scores={school_goal.pk: 0},
            summary="",
            family_views="",
        )
    assert len(error.value.message_dict["scores"]) == 2  # one off the scale, one missing
    review = plan_review_record(
        actor=worker,
        plan=plan,
        reviewed_on=date(2026, 11, 19),
        scores={school_goal.pk: 8, home_goal.pk: 5},
        summary="Attendance up to 96%.",
        family_views="Mornings are better.",
        achieved=[school_goal.pk],
    )
    assert {s.goal_id: s.score for s in GoalScore.objects.filter(review=review)} == {
        school_goal.pk: 8,
        home_goal.pk: 5,
    }
    school_goal.refresh_from_db()
    assert (school_goal.status, school_goal.achieved_on) == (GoalStatus.ACHIEVED, date(2026, 11, 19))
    tasks = Task.objects.filter(key=Clock.PLAN_REVIEW).order_by("created_at")
    assert [(t.status, t.due_on) for t in tasks] == [
        (TaskStatus.DONE, STARTED + timedelta(weeks=6)),
        (TaskStatus.OPEN, date(2026, 11, 19) + timedelta(weeks=6)),
    ]
    # The achieved goal is no longer scored; a new goal is.
    extra = goal_add(actor=worker, plan=plan, area=NeedArea.HOUSING, description="Damp fixed", baseline=2)
    with pytest.raises(ValidationError) as error:
        plan_review_record(
            actor=worker, plan=plan, reviewed_on=TODAY, scores={home_goal.pk: 6}, summary="", family_views=""
        )
    assert "Damp fixed" in error.value.message_dict["scores"][0]
    plan_review_record(
        actor=worker,
        plan=plan,
        reviewed_on=TODAY,
        scores={home_goal.pk: 6, extra.pk: 3},
        summary="",
        family_views="",
    )
