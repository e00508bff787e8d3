"""Keeping the task lists in step with the clocks (issue 5, item 2).

The service that owns a clock (child protection, later early help and children in care) works
out, from the case's own record, which tasks should be open and when each is due, and hands that
list to `tasks_sync` inside its own transaction. Tasks are therefore never typed in for a
statutory clock and never drift from the record: correct a strategy discussion's date and the
ICPC task moves with it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.imports import bulk
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..constants import TaskStatus
from ..models import Involvement, Task
from ..policies import involvement_policy


@dataclass(frozen=True)
class TaskSpec:
    key: str  # the clock: "cin.assessment", "cp.visit"
    title: str
    due_on: date
    basis: str = ""  # "Working Together: 45 working days from the referral"


def tasks_sync(
    *,
    involvement: Involvement,
    specs: Iterable[TaskSpec],
    done: Mapping[str, date] | None = None,
    done_by: Any = None,
    cancel_reason: str = "No longer needed.",
) -> None:
    """Make the involvement's open clock tasks match `specs`.

    For each clock key:
    - in `done` (the thing was just done, on that date): its open task is marked done on that
      date, and a new one opens if the clock runs on (a visit → the next visit);
    - in `specs` with an open task: the task takes the spec's due date and title (a recompute);
    - open but in neither: cancelled with `cancel_reason` (the plan ended, the case closed);
    - in `specs` with no open task: a task opens, for the allocated worker and team.

    Call it inside the owning service's transaction. It checks no policy: the caller has.
    """
    open_tasks = list(involvement.tasks.filter(status=TaskStatus.OPEN, manual=False))
    changed, new = _plan(involvement, open_tasks, specs, dict(done or {}), done_by, cancel_reason)
    for task in changed:
        task.save()
    for task in new:
        task.save(force_insert=True)


@dataclass(frozen=True)
class TaskSync:
    """One involvement's wanted clock tasks, for `tasks_sync_many`."""

    involvement: Involvement
    specs: Sequence[TaskSpec]
    cancel_reason: str = "No longer needed."


def tasks_sync_many(items: Iterable[TaskSync]) -> tuple[int, int]:
    """`tasks_sync` (with nothing just done) for many involvements at once: their open clock
    tasks are read in one query per slice and written in one bulk update and one bulk insert.

    For a bulk load (the SSD import), where a sync per case was a query and an insert per task.
    The outcome is the one `tasks_sync` gives case by case. Returns (tasks changed, tasks opened).
    """
    wanted = list(items)
    changed: list[Task] = []
    new: list[Task] = []
    for start in range(0, len(wanted), _SLICE):
        chunk = wanted[start : start + _SLICE]
        open_by: dict[Any, list[Task]] = {}
        for task in Task.objects.filter(
            involvement_id__in=[item.involvement.pk for item in chunk], status=TaskStatus.OPEN, manual=False
        ):
            open_by.setdefault(task.involvement_id, []).append(task)
        for item in chunk:
            more, opened = _plan(
                item.involvement,
                open_by.get(item.involvement.pk, []),
                item.specs,
                {},
                None,
                item.cancel_reason,
            )
            changed.extend(more)
            new.extend(opened)
    now = clock.now()
    for task in changed:
        task.updated_at = now
    # The person index's bulk writers: `bulk_update`'s CASE per field per row made PostgreSQL
    # evaluate hundreds of branches for every row; these join a COPYed table (SQLite: one
    # prepared statement a row). Tasks keep no history, so none is written.
    bulk.update(Task, changed, _PLANNED_FIELDS, now=now, history=False)
    bulk.create(Task, new, now=now)
    return len(changed), len(new)


# Involvements a query of `tasks_sync_many` reads the open tasks of (well under SQLite's limit).
_SLICE = 500
# What `_plan` may change on an open task.
_PLANNED_FIELDS = [
    "status",
    "completed_on",
    "completed_by",
    "cancelled_reason",
    "due_on",
    "title",
    "basis",
    "version",
    "updated_at",
]


def _plan(
    involvement: Involvement,
    open_tasks: Iterable[Task],
    specs: Iterable[TaskSpec],
    done: Mapping[str, date],
    done_by: Any,
    cancel_reason: str,
) -> tuple[list[Task], list[Task]]:
    """The open tasks to change (in place) and the tasks to open: the rules `tasks_sync` states,
    worked out without touching the database so one case or thousands share them."""
    wanted = {spec.key: spec for spec in specs}
    changed: list[Task] = []
    for task in open_tasks:
        key = task.key
        if key in done:
            task.status = TaskStatus.DONE
            task.completed_on = done[key]
            task.completed_by = done_by
            task.version += 1
            changed.append(task)
            continue
        spec = wanted.get(key)
        if spec is None:
            task.status = TaskStatus.CANCELLED
            task.cancelled_reason = cancel_reason
            task.version += 1
            changed.append(task)
            continue
        if (task.due_on, task.title, task.basis) != (spec.due_on, spec.title, spec.basis):
            task.due_on, task.title, task.basis = spec.due_on, spec.title, spec.basis
            task.version += 1
            changed.append(task)
        wanted.pop(key)
    new = [
        Task(
            involvement=involvement,
            person_id=involvement.person_id,
            key=spec.key,
            title=spec.title,
            basis=spec.basis,
            due_on=spec.due_on,
            assigned_to_id=involvement.worker_id,
            team_id=involvement.team_id,
        )
        for spec in wanted.values()
    ]
    return changed, new


def tasks_reassign(*, involvement: Involvement) -> None:
    """Open tasks follow the allocation (called by `allocation_change`)."""
    for task in involvement.tasks.filter(status=TaskStatus.OPEN):
        if (task.assigned_to_id, task.team_id) != (involvement.worker_id, involvement.team_id):
            task.assigned_to_id, task.team_id = involvement.worker_id, involvement.team_id
            task.version += 1
            task.save()


def task_create(*, actor: Any, involvement: Involvement, title: str, due_on: date | None) -> Task:
    """A worker's own task on a case (a reminder; not a statutory clock)."""
    involvement_policy.check(actor, "record", involvement)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Say what needs doing."]
    if due_on is None:
        errors["due_on"] = ["Enter the date it is due."]
    elif due_on < clock.today():
        errors["due_on"] = ["The due date must be today or later."]
    if not involvement.is_open:
        errors.setdefault("title", []).append("The case is closed.")
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    with transaction.atomic():
        task = Task(
            involvement=involvement,
            person_id=involvement.person_id,
            key="manual",
            title=title.strip(),
            due_on=due_on,
            assigned_to_id=involvement.worker_id or actor.pk,
            team_id=involvement.team_id,
            manual=True,
            created_by=actor,
        )
        task.full_clean()
        task.save()
        record_event(actor=actor, verb=Verb.CREATE, target=task, section="task")
    return task


def task_complete(*, actor: Any, task: Task, expected_version: int) -> Task:
    """Tick off a worker's own task. A clock task is done by recording what it asks for."""
    involvement_policy.check(actor, "record", task.involvement)
    if not task.manual:
        raise ValidationError({"task": ["This task closes itself when what it asks for is recorded."]})
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"task": ["This task is already finished."]})
    with transaction.atomic():
        task.status = TaskStatus.DONE
        task.completed_on = clock.today()
        task.completed_by = actor
        save_versioned(task, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=task, section="task", reason="done")
    return task
