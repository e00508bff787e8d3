"""Synthetic periods of care for the reviews, visits, health and clock tests."""

from datetime import UTC, date, datetime
from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.looked_after.clocks import period_clocks_sync
from safehub.looked_after.models import LookedAfterPeriod
from safehub.looked_after.tests.factories import LegalStatusFactory, PeriodFactory, PlacementFactory
from safehub.people.tests.factories import PersonFactory

NOW = datetime(2026, 6, 15, 10, tzinfo=UTC)
TODAY = date(2026, 6, 15)
ENTRY = date(2026, 2, 2)  # a Monday


def users() -> tuple[Any, Any, Any]:
    """A social worker, a team manager and an IRO."""
    return (
        UserFactory(role=Role.SOCIAL_WORKER),
        UserFactory(role=Role.TEAM_MANAGER),
        UserFactory(role=Role.IRO),
    )


def care_period(
    *,
    started_on: date = ENTRY,
    born: date | None = date(2015, 6, 1),
    until_18: bool = False,
    ended_on: date | None = None,
    worker: Any = None,
) -> LookedAfterPeriod:
    """An open period with its first legal status and placement from entry, and its clocks running."""
    person = PersonFactory(date_of_birth=born)
    period: LookedAfterPeriod = PeriodFactory(person=person, started_on=started_on)  # type: ignore[assignment]
    if worker is not None:
        period.involvement.worker = worker
        period.involvement.save()
    LegalStatusFactory(period=period, started_on=started_on)
    PlacementFactory(period=period, started_on=started_on, intended_until_18=until_18)
    period_clocks_sync(period=period)
    if ended_on is not None:
        period.placements.update(ended_on=ended_on)
        period.ended_on = ended_on
        period.end_reason = "E13"
        period.save()
    return period


def open_tasks(period: LookedAfterPeriod) -> dict[str, date]:
    return dict(
        Task.objects.filter(involvement=period.involvement, status=TaskStatus.OPEN).values_list(
            "key", "due_on"
        )
    )


def task_history(period: LookedAfterPeriod, key: str) -> list[tuple[str, date, date | None]]:
    return list(
        Task.objects.filter(involvement=period.involvement, key=key)
        .order_by("created_at")
        .values_list("status", "due_on", "completed_on")
    )
