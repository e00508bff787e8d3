"""The early help dashboard (issue 9, item 6): counts of families, never a child's details (R22).

Every figure starts from the episode policy's `count` scope: every family but those restricted
from the reader, since a performance analyst counts families they may not open one by one. Caseloads count children; this dashboard counts families (ADR 0007).
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count

from safehub.accounts.constants import Capability
from safehub.casework.constants import LocalTimescale, TaskStatus
from safehub.casework.models import Task
from safehub.casework.timescales import after, timescales
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..constants import Clock, EndReason, GoalStatus, StepDirection
from ..models import GoalScore, PlanGoal, Step
from .episodes import episodes_visible


@dataclass
class ClosureOutcome:
    end_reason: str
    label: str
    families: int
    # Mean over the families of their goals' mean (latest score - baseline); None without scores.
    distance_travelled: float | None


@dataclass
class StepFigures:
    direction: str
    requested: int
    completed: int
    waiting: int
    median_days: float | None


@dataclass
class Dashboard:
    open_episodes: int
    reviews_due: int
    reviews_overdue: int
    goals_achieved: int
    outcomes: list[ClosureOutcome]
    steps: dict[str, StepFigures]
    open_by_team: list[tuple[str, int]] = field(default_factory=list)


def _distance_by_episode(episode_ids: list[Any]) -> dict[Any, float]:
    """Each episode's distance travelled: the mean over its scored goals of latest minus baseline."""
    latest: dict[Any, tuple[tuple[date, datetime], int]] = {}
    for score in GoalScore.objects.filter(goal__plan__episode_id__in=episode_ids).select_related("review"):
        seen = latest.get(score.goal_id)
        key = (score.review.reviewed_on, score.review.created_at)
        if seen is None or key > seen[0]:
            latest[score.goal_id] = (key, score.score)
    by_episode: dict[Any, list[int]] = defaultdict(list)
    goals = PlanGoal.objects.filter(pk__in=latest).values_list("pk", "baseline", "plan__episode_id")
    for goal_id, baseline, episode_id in goals:
        by_episode[episode_id].append(latest[goal_id][1] - baseline)
    return {episode_id: sum(values) / len(values) for episode_id, values in by_episode.items()}


def _steps(visible: Any, actor: Any, direction: str, since: date | None) -> StepFigures:
    steps = Step.objects.filter(direction=direction)
    if direction == StepDirection.DOWN:
        # A step-down waiting has no episode yet: only the early help team counts those.
        waiting_qs = steps.filter(completed_on__isnull=True, episode__isnull=True)
        if not actor.has_capability(Capability.MANAGE_EARLY_HELP):
            waiting_qs = waiting_qs.none()
        steps = steps.filter(episode__in=visible)
    else:
        steps = steps.filter(episode__in=visible)
        waiting_qs = steps.filter(completed_on__isnull=True)
    if since is not None:
        steps = steps.filter(requested_on__gte=since)
        waiting_qs = waiting_qs.filter(requested_on__gte=since)
    completed = list(steps.filter(completed_on__isnull=False).values_list("requested_on", "completed_on"))
    days = [(done - asked).days for asked, done in completed if done is not None]
    waiting = waiting_qs.count()
    return StepFigures(
        direction=direction,
        requested=len(completed) + waiting,
        completed=len(completed),
        waiting=waiting,
        median_days=statistics.median(days) if days else None,
    )


def early_help_dashboard(*, actor: Any, since: date | None = None, today: date | None = None) -> Dashboard:
    """The dashboard figures. `since` limits closures, achievements and steps to those from that
    date (open episodes and reviews are as of today)."""
    if not actor.has_capability(Capability.VIEW_EARLY_HELP_DASHBOARD):
        raise PermissionRefused()
    today = today or clock.today()
    visible = episodes_visible(actor, "count")
    open_qs = visible.filter(closed_on__isnull=True)
    review_tasks = Task.objects.filter(
        key=Clock.PLAN_REVIEW,
        status=TaskStatus.OPEN,
        involvement__early_help_member__episode__in=open_qs,
    )
    soon = after(today, LocalTimescale.DUE_SOON, timescales())
    achieved = PlanGoal.objects.filter(status=GoalStatus.ACHIEVED, plan__episode__in=visible)
    closed = visible.filter(closed_on__isnull=False)
    if since is not None:
        achieved = achieved.filter(achieved_on__gte=since)
        closed = closed.filter(closed_on__gte=since)
    closed_rows = list(closed.values_list("pk", "end_reason"))
    distance = _distance_by_episode([pk for pk, _ in closed_rows])
    families = Counter(reason for _, reason in closed_rows)
    outcomes = []
    for reason in EndReason:
        if not families[reason.value]:
            continue
        scored = [distance[pk] for pk, r in closed_rows if r == reason.value and pk in distance]
        outcomes.append(
            ClosureOutcome(
                end_reason=reason.value,
                label=reason.label,
                families=families[reason.value],
                distance_travelled=round(sum(scored) / len(scored), 1) if scored else None,
            )
        )
    by_team = open_qs.values("team__name").annotate(n=Count("pk")).order_by("team__name")
    return Dashboard(
        open_episodes=open_qs.count(),
        reviews_due=review_tasks.filter(due_on__gte=today, due_on__lte=soon).count(),
        reviews_overdue=review_tasks.filter(due_on__lt=today).count(),
        goals_achieved=achieved.count(),
        outcomes=outcomes,
        steps={d.value: _steps(visible, actor, d.value, since) for d in StepDirection},
        open_by_team=[(row["team__name"], row["n"]) for row in by_team],
    )
