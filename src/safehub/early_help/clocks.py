"""Early help's clocks (issue 9; ADR 0007 §1 and §8).

`episode_tasks` is pure: it reads an episode's own rows and says which clock tasks should be open
now and when each is due. Every service that writes under an episode calls `episode_clocks_sync`
at the end of its transaction, which hands that list to casework's `tasks_sync`. The tasks go on
the *first child's* involvement only: one family, one task, not one per child.

All early help timescales are local (casework settings, each with a ceiling):
- early help assessment: `eh_assessment` (default 30 working days) from the episode opening;
- first Team Around the Family meeting: `eh_first_taf` (default 20 working days) from the opening;
- family plan review: `eh_plan_review` (default 6 weeks) from the plan's start, then from the
  last review.
An open TAF action also shows as one task, due on the earliest open action's date.
"""

import copy
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects

from safehub.casework.constants import LocalTimescale, TimescaleUnit
from safehub.casework.models import Involvement
from safehub.casework.services.tasks import TaskSpec, tasks_sync
from safehub.casework.timescales import add_period, describe, timescales
from safehub.platform.calendar import WorkingCalendar, calendar

from .constants import ActionStatus, Clock, MeetingKind, MemberRole
from .models import EarlyHelpEpisode, FamilyPlan

Timescales = dict[str, tuple[int, str]]

# Everything `episode_tasks` reads, so a recompute of every episode takes a fixed number of queries.
PREFETCH = ("assessments", "meetings", "actions", "plan__reviews", "members__involvement")


def _after(start: date, key: str, values: Timescales, cal: WorkingCalendar) -> date:
    amount, unit = values[key]
    if unit == TimescaleUnit.WORKING_DAYS:
        return cal.add_working_days(start, amount)
    return add_period(start, amount, unit)


def _basis(key: str, values: Timescales, since: str) -> str:
    amount, unit = values[key]
    label = TimescaleUnit(unit).label
    within = f"within {amount} {label[:-1] if amount == 1 else label}"
    text = describe(key, values) if key == LocalTimescale.EH_PLAN_REVIEW else within
    return f"Local timescale: {text} {since}"[:200]


def episode_plan(episode: EarlyHelpEpisode) -> FamilyPlan | None:
    """The episode's family plan, or None before one is started (from the prefetch when there is one)."""
    try:
        return episode.plan
    except FamilyPlan.DoesNotExist:
        return None


def episode_tasks(
    episode: EarlyHelpEpisode, values: Timescales | None = None, cal: WorkingCalendar | None = None
) -> list[TaskSpec]:
    """The clock tasks that should be open on the episode now, each with its due date.

    Pure: reads the episode's rows (the prefetch cache when there is one), `values` (the local
    timescales) and `cal` (the working calendar), and writes nothing. Nothing runs on a closed episode.
    """
    if episode.closed_on is not None:
        return []
    values = values if values is not None else timescales()
    cal = cal or calendar()
    specs: list[TaskSpec] = []

    assessments = list(episode.assessments.all())
    if not any(a.completed_on is not None for a in assessments):
        specs.append(
            TaskSpec(
                key=Clock.ASSESSMENT,
                title="Complete the early help assessment"
                if assessments
                else "Start and complete the early help assessment",
                due_on=_after(episode.opened_on, LocalTimescale.EH_ASSESSMENT, values, cal),
                basis=_basis(LocalTimescale.EH_ASSESSMENT, values, "of early help starting"),
            )
        )

    if not any(m.kind == MeetingKind.INITIAL for m in episode.meetings.all()):
        specs.append(
            TaskSpec(
                key=Clock.FIRST_TAF,
                title="Hold the first Team Around the Family meeting",
                due_on=_after(episode.opened_on, LocalTimescale.EH_FIRST_TAF, values, cal),
                basis=_basis(LocalTimescale.EH_FIRST_TAF, values, "of early help starting"),
            )
        )

    plan = episode_plan(episode)
    if plan is not None:
        last = max([plan.started_on, *(r.reviewed_on for r in plan.reviews.all())])
        specs.append(
            TaskSpec(
                key=Clock.PLAN_REVIEW,
                title="Review the family plan",
                due_on=_after(last, LocalTimescale.EH_PLAN_REVIEW, values, cal),
                basis=_basis(
                    LocalTimescale.EH_PLAN_REVIEW, values, "after the plan started or was last reviewed"
                ),
            )
        )

    open_actions = [a for a in episode.actions.all() if a.status == ActionStatus.OPEN]
    if open_actions:
        first = min(open_actions, key=lambda a: (a.due_on, a.created_at))
        more = len(open_actions) - 1
        title = f"TAF action due: {first.description}"[:150]
        if more:
            title = f"{title} (and {more} more)"
        specs.append(TaskSpec(key=Clock.ACTION, title=title, due_on=first.due_on, basis="Agreed by the TAF"))
    return specs


def clock_involvement(episode: EarlyHelpEpisode) -> Involvement | None:
    """The first child's involvement, which carries the family's clock tasks (ADR 0007 §1)."""
    children = [m for m in episode.members.all() if m.role == MemberRole.CHILD and m.involvement_id]
    if not children:
        return None
    return min(children, key=lambda m: (m.position, m.created_at, str(m.pk))).involvement


def _sync(
    episode: EarlyHelpEpisode,
    *,
    values: Timescales,
    cal: WorkingCalendar,
    done: dict[str, date] | None,
    done_by: Any,
    cancel_reason: str,
) -> None:
    involvement = clock_involvement(episode)
    if involvement is None:
        return
    tasks_sync(
        involvement=involvement,
        specs=episode_tasks(episode, values, cal),
        done=done,
        done_by=done_by,
        cancel_reason=cancel_reason,
    )


def _fresh_copy(episode: EarlyHelpEpisode) -> EarlyHelpEpisode:
    """The episode with its rows read afresh: the service has just written some, so a prefetch
    cache on the caller's instance may be stale; the caller's instance is left as it was."""
    fresh = copy.copy(episode)
    fresh._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    fresh._state = copy.copy(episode._state)
    fresh._state.fields_cache = {}
    prefetch_related_objects([fresh], *PREFETCH)
    return fresh


def episode_clocks_sync(
    episode: EarlyHelpEpisode,
    done: dict[str, date] | None = None,
    done_by: Any = None,
    cancel_reason: str = "No longer needed.",
) -> None:
    """Bring the episode's clock tasks in step with its record.

    Call it at the end of the writing service's transaction. `done` names the clocks the service
    just satisfied, with the date (`{Clock.FIRST_TAF: held_on}`); the task is marked done on that
    date and, if the clock runs on (plan reviews), the next one opens. No policy check: the caller
    has made it.
    """
    with transaction.atomic():
        _sync(
            _fresh_copy(episode),
            values=timescales(),
            cal=calendar(),
            done=done,
            done_by=done_by,
            cancel_reason=cancel_reason,
        )


def clocks_recompute_all() -> int:
    """Recompute every open episode's clock tasks (after a calendar or timescale change).

    The timescales and the calendar are read once and the episodes' rows come from a prefetch in
    chunks. Returns how many episodes were recomputed.
    """
    values = timescales()
    cal = calendar()
    count = 0
    episodes = (
        EarlyHelpEpisode.objects.filter(closed_on__isnull=True).prefetch_related(*PREFETCH).order_by("pk")
    )
    for episode in episodes.iterator(chunk_size=500):
        with transaction.atomic():
            _sync(episode, values=values, cal=cal, done=None, done_by=None, cancel_reason="No longer needed.")
        count += 1
    return count


__all__: list[str] = [
    "PREFETCH",
    "clock_involvement",
    "clocks_recompute_all",
    "episode_clocks_sync",
    "episode_plan",
    "episode_tasks",
]
