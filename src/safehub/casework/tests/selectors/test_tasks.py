"""Task lists: scoped to what the reader may open, due-soon and overdue at their edges, compliance
counted from the tasks themselves, and a constant number of queries (issue 5, item 2)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.constants import LocalTimescale, TaskStatus, TimescaleUnit
from safehub.casework.models import TimescaleSetting
from safehub.casework.selectors.tasks import (
    register_clock_labels,
    task_counts_for_worker,
    tasks_for_involvement,
    tasks_for_team,
    tasks_for_worker,
    team_compliance,
)
from safehub.casework.services.tasks import TaskSpec, tasks_sync
from safehub.casework.tests.factories import InvolvementFactory, team_with
from safehub.people.tests.factories import restrict
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db

# Monday 2 November 2026: five working days on is Monday 9 November (no bank holidays between).
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _monday() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _case(team: Any, worker: Any, *dues: date, key: str = "cp.visit", **kwargs: Any) -> Any:
    involvement = InvolvementFactory(team=team, worker=worker, opened_on=TODAY - timedelta(days=60), **kwargs)
    specs = [TaskSpec(key=f"{key}.{i}", title=f"Task {i}", due_on=due) for i, due in enumerate(dues)]
    tasks_sync(involvement=involvement, specs=specs)
    return involvement


def _titles(tasks: list[Any]) -> list[str]:
    return [t.title for t in tasks]


def test_due_soon_and_overdue_boundaries() -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    dues = [date(2026, 11, 1), TODAY, date(2026, 11, 9), date(2026, 11, 10)]
    involvement = InvolvementFactory(team=team, worker=worker)
    tasks_sync(
        involvement=involvement,
        specs=[TaskSpec(key=f"k{d.day}", title=f"due {d.day}", due_on=d) for d in dues],
    )
    assert _titles(tasks_for_worker(actor=worker, due="overdue")) == ["due 1"]
    assert _titles(tasks_for_worker(actor=worker, due="soon")) == ["due 2", "due 9"]
    assert _titles(tasks_for_worker(actor=worker)) == ["due 1", "due 2", "due 9", "due 10"]
    counts = task_counts_for_worker(actor=worker)
    assert (counts.all, counts.soon, counts.overdue) == (4, 2, 1)
    notes = [t.due_note.text for t in tasks_for_worker(actor=worker)]
    assert notes == ["Overdue by 1 day", "Due today", "Due in 5 working days", "Due in 6 working days"]


def test_due_soon_follows_the_local_timescale() -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    _case(team, worker, date(2026, 11, 4), date(2026, 11, 5))
    TimescaleSetting.objects.create(key=LocalTimescale.DUE_SOON, amount=2, unit=TimescaleUnit.WORKING_DAYS)
    assert _titles(tasks_for_worker(actor=worker, due="soon")) == ["Task 0"]


def test_only_open_tasks_assigned_to_the_reader() -> None:
    team, (worker, other) = team_with(Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    mine = _case(team, worker, TODAY)
    _case(team, other, TODAY)
    tasks_sync(involvement=mine, specs=[], done={"cp.visit.0": TODAY})
    _case(team, worker, TODAY + timedelta(days=3), key="cin.visit")
    assert [t.key for t in tasks_for_worker(actor=worker)] == ["cin.visit.0"]


def test_a_restricted_childs_tasks_are_never_listed_for_an_ungranted_reader() -> None:
    """R19/R22: the task list is scoped by the same rule that guards the child."""
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    hidden = _case(team, worker, TODAY)
    _case(team, worker, TODAY + timedelta(days=1))
    restrict(hidden.person)
    assert len(tasks_for_worker(actor=worker)) == 1
    assert len(tasks_for_team(actor=manager, team_id=team.pk)) == 1
    assert task_counts_for_worker(actor=worker).all == 1
    with pytest.raises(NotFoundOrForbidden):
        tasks_for_involvement(actor=worker, involvement=hidden)


def test_team_list_needs_a_manager_in_the_team() -> None:
    """R19: a manager of another team gets the one answer for missing and forbidden."""
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    _, (other_manager,) = team_with(Role.TEAM_MANAGER)
    _case(team, worker, TODAY)
    assert len(tasks_for_team(actor=manager, team_id=team.pk)) == 1
    with pytest.raises(NotFoundOrForbidden):
        tasks_for_team(actor=other_manager, team_id=team.pk)
    with pytest.raises(NotFoundOrForbidden):
        tasks_for_team(actor=worker, team_id=team.pk)  # a member, but not a manager


def test_team_list_filters_by_worker_and_due() -> None:
    team, (manager, first, second) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    _case(team, first, TODAY - timedelta(days=1))
    _case(team, second, TODAY + timedelta(days=20))
    assert len(tasks_for_team(actor=manager, team_id=team.pk)) == 2
    assert [t.assigned_to for t in tasks_for_team(actor=manager, team_id=team.pk, worker_id=second.pk)] == [
        second
    ]
    assert [t.assigned_to for t in tasks_for_team(actor=manager, team_id=team.pk, due="overdue")] == [first]


def test_the_list_is_audited_with_ids_only() -> None:
    """R27: one event naming the tasks shown, nothing of their content."""
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = _case(team, worker, TODAY)
    before = AuditEvent.objects.count()
    tasks = tasks_for_worker(actor=worker)
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert event.verb == "list"
    assert event.detail["result_ids"] == [str(tasks[0].pk)]
    assert str(involvement.person.family_name) not in str(event.detail)


def test_the_worker_list_takes_the_same_queries_for_1_and_30_tasks() -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    _case(team, worker, TODAY)
    with CaptureQueriesContext(connection) as one:
        assert len(tasks_for_worker(actor=worker)) == 1
    for _ in range(29):
        _case(team, worker, TODAY + timedelta(days=1))
    with CaptureQueriesContext(connection) as thirty:
        tasks = tasks_for_worker(actor=worker)
        assert len(tasks) == 30
        assert {str(t.person) for t in tasks}
        assert {t.involvement.title for t in tasks}
    assert len(thirty.captured_queries) == len(one.captured_queries)


def test_compliance_counts_by_clock_and_by_worker() -> None:
    register_clock_labels({"cp.visit": "Child protection visit"})
    team, (manager, first, second) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    spec = lambda due: [TaskSpec(key="cp.visit", title="Visit", due_on=due)]  # noqa: E731
    on_time = InvolvementFactory(team=team, worker=first)
    tasks_sync(involvement=on_time, specs=spec(date(2026, 10, 20)))
    tasks_sync(involvement=on_time, specs=spec(date(2026, 11, 20)), done={"cp.visit": date(2026, 10, 19)})
    late = InvolvementFactory(team=team, worker=second)
    tasks_sync(involvement=late, specs=spec(date(2026, 10, 1)))
    tasks_sync(involvement=late, specs=spec(date(2026, 10, 30)), done={"cp.visit": date(2026, 10, 5)})
    # Long ago: done before the period, so not counted as done.
    old = InvolvementFactory(team=team, worker=second)
    tasks_sync(involvement=old, specs=spec(date(2025, 1, 1)))
    tasks_sync(involvement=old, specs=[], done={"cp.visit": date(2025, 1, 1)})
    # Cancelled tasks are no one's failure.
    cancelled = InvolvementFactory(team=team, worker=first)
    tasks_sync(involvement=cancelled, specs=spec(date(2026, 10, 1)))
    tasks_sync(involvement=cancelled, specs=[])

    report = team_compliance(actor=manager, team_id=team.pk, since=date(2026, 8, 2))
    [row] = report.by_clock
    assert (row.label, row.done_on_time, row.done_late, row.open_overdue, row.open_not_due) == (
        "Child protection visit",
        1,
        1,
        1,  # the late case's next visit was due 30 October
        1,
    )
    assert row.on_time_percent == 50
    by_worker = {r.label: r for r in report.by_worker}
    assert (by_worker[first.full_name].done_on_time, by_worker[first.full_name].open_not_due) == (1, 1)
    assert (by_worker[second.full_name].done_late, by_worker[second.full_name].open_overdue) == (1, 1)
    assert by_worker[manager.full_name].done == 0
    assert report.total.done == 2


def test_compliance_refuses_a_manager_outside_the_team() -> None:
    team, _ = team_with(Role.TEAM_MANAGER)
    _, (outsider,) = team_with(Role.TEAM_MANAGER)
    with pytest.raises(NotFoundOrForbidden):
        team_compliance(actor=outsider, team_id=team.pk, since=TODAY)


def test_case_tasks_are_open_only_and_by_due_date() -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = InvolvementFactory(team=team, worker=worker)
    tasks_sync(
        involvement=involvement,
        specs=[
            TaskSpec(key="b", title="Later", due_on=TODAY + timedelta(days=9)),
            TaskSpec(key="a", title="Sooner", due_on=TODAY + timedelta(days=2)),
        ],
    )
    tasks_sync(
        involvement=involvement,
        specs=[TaskSpec(key="a", title="Sooner", due_on=TODAY + timedelta(days=2))],
        done={"b": TODAY},
    )
    assert [(t.title, t.status) for t in tasks_for_involvement(actor=worker, involvement=involvement)] == [
        ("Sooner", TaskStatus.OPEN)
    ]
