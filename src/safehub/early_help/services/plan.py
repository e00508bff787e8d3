"""The family plan: goals scored on a 1-10 scale at each review (ADR 0007 §5; issue 9, item 4).

Each goal has a baseline; every review scores each goal still being worked on, so distance
travelled (latest score minus baseline) can be reported. Reviews fall due at the local interval
(`eh_plan_review`) from the plan's start, then from the last review.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..clocks import episode_clocks_sync, episode_plan
from ..constants import SCORE_MAX, SCORE_MIN, Clock, GoalStatus, NeedArea
from ..models import EarlyHelpEpisode, FamilyPlan, GoalScore, PlanGoal, PlanReview, TafMeeting
from ..policies import episode_policy
from ._rules import Errors, _d, add, check_episode_date, check_open


@dataclass(frozen=True)
class NewGoal:
    area: str
    description: str
    baseline: int | None


def _on_scale(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCORE_MIN <= value <= SCORE_MAX


def _check_goal(errors: Errors, goal: NewGoal, number: int | None = None) -> None:
    prefix = f"Goal {number}: " if number is not None else ""
    if goal.area not in NeedArea.values:
        add(errors, "area", f"{prefix}Choose the area of need the goal is about.")
    if not goal.description.strip():
        add(errors, "description", f"{prefix}Describe the goal, in the family's words.")
    if not _on_scale(goal.baseline):
        add(
            errors,
            "baseline",
            f"{prefix}Score where the family is starting from, {SCORE_MIN} to {SCORE_MAX}.",
        )


def _create_goal(plan: FamilyPlan, goal: NewGoal) -> PlanGoal:
    assert goal.baseline is not None
    row = PlanGoal(plan=plan, area=goal.area, description=goal.description.strip(), baseline=goal.baseline)
    row.full_clean()
    row.save()
    return row


def plan_start(
    *, actor: Any, episode: EarlyHelpEpisode, started_on: date, summary: str, goals: Iterable[NewGoal]
) -> FamilyPlan:
    """Start the family's plan (one per episode) with its first goals; the review clock starts."""
    episode_policy.check(actor, "record", episode)
    goals = list(goals)
    errors: Errors = {}
    check_open(errors, episode)
    existing = episode_plan(episode)
    if existing is not None:
        add(errors, "__all__", f"The family's plan started on {_d(existing.started_on)}: add goals to it.")
    check_episode_date(errors, episode, "started_on", started_on, label="start of the plan")
    if not goals:
        add(errors, "goals", "Add at least one goal: a plan is what the family is working towards.")
    for number, goal in enumerate(goals, start=1):
        _check_goal(errors, goal, number if len(goals) > 1 else None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = FamilyPlan(episode=episode, started_on=started_on, summary=summary.strip(), updated_by=actor)
        plan.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:
            raise ValidationError(
                {"__all__": ["The family's plan was started just now by someone else."]}
            ) from None
        for goal in goals:
            _create_goal(plan, goal)
        record_event(actor=actor, verb=Verb.CREATE, target=plan, section="family_plan")
        episode_clocks_sync(episode)
    return plan


def goal_add(*, actor: Any, plan: FamilyPlan, area: str, description: str, baseline: int | None) -> PlanGoal:
    """Add a goal to the plan, with its baseline score."""
    episode = plan.episode
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    new = NewGoal(area, description, baseline)
    _check_goal(errors, new)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        goal = _create_goal(plan, new)
        record_event(actor=actor, verb=Verb.CREATE, target=goal, section="family_plan", reason="goal")
    return goal


def _check_scores(
    errors: Errors, open_goals: dict[str, PlanGoal], scores: Mapping[Any, Any], achieved: set[str]
) -> dict[str, int]:
    given = {str(key): value for key, value in scores.items()}
    for key in given:
        if key not in open_goals:
            add(errors, "scores", "Score only the goals of this plan that are still being worked on.")
            break
    for key, goal in open_goals.items():
        if key not in given or given[key] in (None, ""):
            add(
                errors,
                "scores",
                f"Score the goal \u201c{goal.description[:60]}\u201d, {SCORE_MIN} to {SCORE_MAX}.",
            )
        elif not _on_scale(given[key]):
            add(
                errors,
                "scores",
                f"The score for \u201c{goal.description[:60]}\u201d must be {SCORE_MIN} to {SCORE_MAX}.",
            )
    for key in achieved:
        if key not in open_goals:
            add(errors, "achieved", "Only a goal still being worked on can be marked achieved.")
            break
    return {key: int(value) for key, value in given.items() if key in open_goals and _on_scale(value)}


def plan_review_record(
    *,
    actor: Any,
    plan: FamilyPlan,
    reviewed_on: date,
    scores: Mapping[Any, Any],
    summary: str,
    family_views: str,
    meeting: TafMeeting | None = None,
    achieved: Iterable[Any] = (),
) -> PlanReview:
    """Review the plan: a score for every goal still being worked on (`scores`: goal id → 1-10),
    and the goals the family has now achieved. The review clock is satisfied and the next review
    falls due from this one."""
    episode = plan.episode
    episode_policy.check(actor, "record", episode)
    achieved_ids = {str(a) for a in achieved}
    errors: Errors = {}
    check_open(errors, episode)
    if reviewed_on is not None and reviewed_on < plan.started_on:
        add(
            errors,
            "reviewed_on",
            f"A review cannot be before the plan started on {_d(plan.started_on)}.",
        )
    else:
        check_episode_date(errors, episode, "reviewed_on", reviewed_on, label="date of the review")
        last = plan.reviews.order_by("-reviewed_on").first()
        if last is not None and reviewed_on is not None and reviewed_on < last.reviewed_on:
            add(
                errors,
                "reviewed_on",
                f"The last review was on {_d(last.reviewed_on)}: a new one cannot be before it.",
            )
    if meeting is not None and meeting.episode_id != episode.pk:
        add(errors, "meeting", "Choose a meeting of this family's team.")
    open_goals = {str(g.pk): g for g in plan.goals.filter(status=GoalStatus.OPEN)}
    if not open_goals:
        add(errors, "scores", "Every goal is finished: add a goal to review, or close early help.")
    valid = _check_scores(errors, open_goals, scores, achieved_ids)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = PlanReview(
            plan=plan,
            reviewed_on=reviewed_on,
            meeting=meeting,
            summary=summary.strip(),
            family_views=family_views.strip(),
            recorded_by=actor,
        )
        review.full_clean()
        review.save()
        GoalScore.objects.bulk_create(
            GoalScore(review=review, goal=open_goals[key], score=value) for key, value in valid.items()
        )
        for key in achieved_ids:
            goal = open_goals[key]
            goal.status = GoalStatus.ACHIEVED
            goal.achieved_on = reviewed_on
            goal.save(update_fields=["status", "achieved_on", "updated_at"])
        record_event(actor=actor, verb=Verb.CREATE, target=review, section="plan_review")
        episode_clocks_sync(episode, done={Clock.PLAN_REVIEW.value: reviewed_on}, done_by=actor)
    return review
