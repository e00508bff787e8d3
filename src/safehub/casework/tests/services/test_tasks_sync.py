"""tasks_sync keeps one open task per clock and follows the record (issue 5, item 2)."""

from datetime import date, timedelta
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.casework.constants import TaskStatus
from safehub.casework.services.involvement import allocation_change
from safehub.casework.services.tasks import TaskSpec, TaskSync, tasks_sync, tasks_sync_many
from safehub.casework.tests.factories import InvolvementFactory, team_with

pytestmark = pytest.mark.django_db


def _spec(key: str, due: date) -> TaskSpec:
    return TaskSpec(key=key, title=key, due_on=due)


def test_a_spec_opens_a_task_for_the_allocated_worker() -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    allocation_change(actor=manager, involvement=involvement, team=team, worker=worker)
    tasks_sync(involvement=involvement, specs=[_spec("cp.visit", date(2026, 12, 1))])
    task = involvement.tasks.get()
    assert (task.assigned_to, task.team, task.due_on, task.status) == (
        worker,
        team,
        date(2026, 12, 1),
        TaskStatus.OPEN,
    )


def test_recompute_moves_the_open_task_rather_than_adding_one() -> None:
    involvement = InvolvementFactory()
    tasks_sync(involvement=involvement, specs=[_spec("cp.icpc", date(2026, 12, 1))])
    tasks_sync(involvement=involvement, specs=[_spec("cp.icpc", date(2026, 12, 3))])
    assert list(involvement.tasks.values_list("due_on", "status")) == [(date(2026, 12, 3), TaskStatus.OPEN)]


def test_done_closes_the_task_on_that_date_and_opens_the_next_cycle() -> None:
    involvement = InvolvementFactory()
    first = date(2026, 12, 1)
    tasks_sync(involvement=involvement, specs=[_spec("cp.visit", first)])
    tasks_sync(
        involvement=involvement,
        specs=[_spec("cp.visit", first + timedelta(days=14))],
        done={"cp.visit": date(2026, 12, 2)},
    )
    rows = list(involvement.tasks.order_by("due_on").values_list("due_on", "status", "completed_on"))
    assert rows == [
        (first, TaskStatus.DONE, date(2026, 12, 2)),
        (first + timedelta(days=14), TaskStatus.OPEN, None),
    ]
    done = involvement.tasks.get(status=TaskStatus.DONE)
    assert done.on_time is False


def test_a_clock_that_stops_cancels_its_task_with_the_reason() -> None:
    involvement = InvolvementFactory()
    tasks_sync(involvement=involvement, specs=[_spec("cp.visit", date(2026, 12, 1))])
    tasks_sync(involvement=involvement, specs=[], cancel_reason="The plan ended.")
    task: Any = involvement.tasks.get()
    assert (task.status, task.cancelled_reason) == (TaskStatus.CANCELLED, "The plan ended.")


def test_reallocation_moves_open_tasks_and_needs_a_reason() -> None:
    from django.core.exceptions import ValidationError

    team, (manager, first, second) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    allocation_change(actor=manager, involvement=involvement, team=team, worker=first)
    tasks_sync(involvement=involvement, specs=[_spec("cp.visit", date(2026, 12, 1))])
    with pytest.raises(ValidationError) as refused:
        allocation_change(actor=manager, involvement=involvement, team=team, worker=second)
    assert "reason" in refused.value.message_dict
    allocation_change(actor=manager, involvement=involvement, team=team, worker=second, reason="LEFTRL")
    assert involvement.tasks.get().assigned_to == second
    assert list(involvement.allocations.values_list("worker", "change_reason", "ended_on")) == [
        (first.pk, "", involvement.allocations.first().ended_on),
        (second.pk, "LEFTRL", None),
    ]


def _state(involvement: Any) -> list[tuple[Any, ...]]:
    return sorted(
        involvement.tasks.values_list("key", "due_on", "status", "cancelled_reason", "version", "assigned_to")
    )


def test_sync_many_gives_each_case_what_a_sync_of_that_case_gives(django_assert_max_num_queries: Any) -> None:
    """The bulk form (the SSD import's) moves, cancels, keeps and opens exactly as `tasks_sync`
    does case by case, in a fixed number of queries however many cases there are."""
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    one_by_one, in_bulk = InvolvementFactory(), InvolvementFactory()
    for involvement in (one_by_one, in_bulk):
        allocation_change(actor=manager, involvement=involvement, team=team, worker=worker)
        tasks_sync(
            involvement=involvement,
            specs=[
                _spec("cp.icpc", date(2026, 12, 1)),
                _spec("cp.visit", date(2026, 12, 2)),
                _spec("x", date(2026, 12, 3)),
            ],
        )
    wanted = [
        _spec("cp.icpc", date(2026, 12, 9)),
        _spec("x", date(2026, 12, 3)),
        _spec("cp.core_group", date(2026, 12, 4)),
    ]
    tasks_sync(involvement=one_by_one, specs=wanted, cancel_reason="The plan ended.")
    many = [InvolvementFactory() for _ in range(5)]
    # One read, the update (PostgreSQL: a scratch table, its COPY, the join, the drop), one insert.
    with django_assert_max_num_queries(6):
        changed, opened = tasks_sync_many(
            [TaskSync(in_bulk, wanted, cancel_reason="The plan ended.")]
            + [TaskSync(involvement, [_spec("cp.visit", date(2026, 12, 5))]) for involvement in many]
        )
    assert _state(in_bulk) == _state(one_by_one)
    assert ("cp.visit", date(2026, 12, 2), TaskStatus.CANCELLED, "The plan ended.", 2, worker.pk) in _state(
        in_bulk
    )
    assert (changed, opened) == (2, 1 + 5)
    assert [_state(involvement) for involvement in many] == [
        [("cp.visit", date(2026, 12, 5), TaskStatus.OPEN, "", 1, None)]
    ] * 5


def test_sync_many_leaves_a_case_in_step_unchanged() -> None:
    involvement = InvolvementFactory()
    tasks_sync(involvement=involvement, specs=[_spec("cp.visit", date(2026, 12, 2))])
    before = list(involvement.tasks.values_list("pk", "version", "updated_at"))
    assert tasks_sync_many([TaskSync(involvement, [_spec("cp.visit", date(2026, 12, 2))])]) == (0, 0)
    assert list(involvement.tasks.values_list("pk", "version", "updated_at")) == before
