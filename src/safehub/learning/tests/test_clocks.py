"""Learning's clocks: working days across bank holidays, 6 calendar months, and recomputing
stored due dates when the council's calendar changes (ADR 0008 §3; R52)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.platform.calendar import add_working_days, calendar, is_working_day
from safehub.platform.services.closures import local_closure_create

from ..clocks import (
    agency_return_due,
    learning_clocks_recompute_all,
    local_review_due,
    notification_due,
    rapid_review_due,
)
from ..constants import IncidentKind, ReturnStatus, ReviewKind, ReviewStatus
from ..services.incidents import incident_record
from . import factories as f

pytestmark = pytest.mark.django_db

CHRISTMAS_EVE = date(2026, 12, 24)  # a Thursday


def test_the_notification_clock_skips_christmas_and_the_boxing_day_substitute() -> None:
    """R52: Fri 25 Dec and Mon 28 Dec 2026 (Boxing Day falls on a Saturday) are bank holidays, and
    so is Fri 1 Jan 2027, so 5 working days from Thu 24 Dec is Tue 5 Jan."""
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert not is_working_day(date(2027, 1, 1))
    assert notification_due(CHRISTMAS_EVE) == date(2027, 1, 5)


def test_an_incident_recorded_on_christmas_eve_is_due_after_the_holidays() -> None:
    with time_machine.travel(datetime(2026, 12, 24, 15, 0, tzinfo=UTC), tick=False):
        incident = incident_record(
            actor=f.team_manager(),
            child=f.child(),
            kind=IncidentKind.DEATH,
            incident_on=date(2026, 12, 23),
            aware_on=CHRISTMAS_EVE,
            summary="Synthetic: a child died; neglect suspected.",
        )
    assert incident.notify_due_on == date(2027, 1, 5)


def test_the_rapid_review_runs_from_the_notification_once_there_is_one() -> None:
    incident = f.incident(aware_on=date(2026, 11, 17))
    assert rapid_review_due(incident) == add_working_days(date(2026, 11, 17), 15)
    incident.notified_on = CHRISTMAS_EVE
    # 15 working days from Thu 24 Dec 2026, skipping 25 and 28 Dec and 1 Jan.
    assert rapid_review_due(incident) == date(2027, 1, 19)


def test_a_local_review_is_due_6_calendar_months_on() -> None:
    assert local_review_due(date(2026, 11, 26)) == date(2027, 5, 26)
    assert local_review_due(date(2026, 8, 31)) == date(2027, 2, 28)
    assert local_review_due(date(2027, 8, 31)) == date(2028, 2, 29)  # a leap year


def test_an_agency_return_is_due_5_working_days_on() -> None:
    assert agency_return_due(date(2026, 11, 19)) == date(2026, 11, 26)
    assert agency_return_due(CHRISTMAS_EVE) == date(2027, 1, 5)


def _running_and_finished() -> dict[str, Any]:
    """One of each clock still running from today, and one of each already stopped."""
    cal = calendar()
    running_incident = f.incident(
        incident_on=f.TODAY, aware_on=f.TODAY, notify_due_on=cal.add_working_days(f.TODAY, 5)
    )
    notified = f.incident(notified_on=date(2026, 11, 20))
    rapid = f.review(incident=running_incident, due_on=cal.add_working_days(f.TODAY, 15))
    decided = f.review(
        incident=notified,
        due_on=date(2026, 12, 11),
        status=ReviewStatus.COMPLETED,
        completed_on=f.TODAY,
        decision="no_further_review",
        decision_on=f.TODAY,
    )
    local = f.review(kind=ReviewKind.LOCAL, due_on=date(2027, 5, 26), started_on=f.TODAY)
    waiting = f.agency_return(rapid, requested_on=f.TODAY, due_on=cal.add_working_days(f.TODAY, 5))
    received = f.agency_return(
        rapid,
        agency=f.health(),
        requested_on=f.TODAY,
        due_on=cal.add_working_days(f.TODAY, 5),
        status=ReturnStatus.RECEIVED,
        received_on=f.TODAY,
    )
    return {
        "incident": running_incident,
        "notified": notified,
        "rapid": rapid,
        "decided": decided,
        "local": local,
        "waiting": waiting,
        "received": received,
    }


def _due(rows: dict[str, Any]) -> dict[str, date]:
    out = {}
    for key, row in rows.items():
        row.refresh_from_db()
        out[key] = row.notify_due_on if key in ("incident", "notified") else row.due_on
    return out


def test_nothing_changes_while_the_calendar_stands() -> None:
    rows = _running_and_finished()
    before = _due(rows)
    assert learning_clocks_recompute_all() == 0
    assert _due(rows) == before


def test_a_local_closure_moves_the_running_working_day_clocks_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """R52: the council closes on Monday 30 November; running clocks move a working day later,
    stopped ones and the local review's calendar months do not."""
    rows = _running_and_finished()
    before = _due(rows)
    closed = date(2026, 11, 30)
    assert is_working_day(closed)
    with django_capture_on_commit_callbacks(execute=True):
        local_closure_create(
            actor=UserFactory(role=Role.SYSADMIN), date=closed, reason="Synthetic closure day"
        )
    # The lead wires this to the calendar's change hook; calling it again is harmless.
    learning_clocks_recompute_all()
    after = _due(rows)
    cal = calendar()
    assert after["incident"] == cal.add_working_days(f.TODAY, 5) == before["incident"] + timedelta(days=1)
    assert after["rapid"] == cal.add_working_days(f.TODAY, 15) == before["rapid"] + timedelta(days=1)
    assert after["waiting"] == cal.add_working_days(f.TODAY, 5) == before["waiting"] + timedelta(days=1)
    for stopped in ("notified", "decided", "local", "received"):
        assert after[stopped] == before[stopped]
    rows["incident"].refresh_from_db()
    assert rows["incident"].version == 1  # a clock's date, not a user's edit (R49)


def test_recompute_counts_the_rows_it_moved() -> None:
    rows = _running_and_finished()
    for key in ("incident", "rapid", "waiting"):
        field = "notify_due_on" if key == "incident" else "due_on"
        type(rows[key]).objects.filter(pk=rows[key].pk).update(**{field: date(2026, 1, 1)})
    assert learning_clocks_recompute_all() == 3
    assert learning_clocks_recompute_all() == 0
