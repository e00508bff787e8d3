"""The visit clock through the services (reg. 28): a move into hospital opens no "within 1 week"
task; a visit in hospital, or a late entry for the placement before, satisfies the open task;
coming back to the same carers keeps the clock running from before (R52)."""

from datetime import date

import pytest
import time_machine

from safehub.casework.constants import TaskStatus
from safehub.looked_after.constants import Clock
from safehub.looked_after.services.period import placement_change
from safehub.looked_after.services.review import visit_record

from .cases import NOW, care_period, open_tasks, task_history, users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _move(actor, period, day: date, place: str, **kwargs):
    return placement_change(
        actor=actor,
        period=period,
        changed_on=day,
        reason=kwargs.pop("reason", ""),
        placement_type=place,
        expected_version=period.version,
        **kwargs,
    )


def test_a_hospital_stay_and_return_keep_the_visit_clock_of_the_home_placement() -> None:
    worker, _, _ = users()
    period = care_period()
    visit_record(actor=worker, period=period, visited_on=date(2026, 3, 2), child_seen=True)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 4, 13)

    period.refresh_from_db()
    hospital = _move(worker, period, date(2026, 3, 20), "T1")
    assert open_tasks(period)[Clock.VISIT] == date(2026, 4, 13)  # not 27 March

    visit_record(actor=worker, period=period, visited_on=date(2026, 3, 25), child_seen=True)
    assert task_history(period, Clock.VISIT)[-2:] == [
        (TaskStatus.DONE, date(2026, 4, 13), date(2026, 3, 25)),
        (TaskStatus.OPEN, date(2026, 5, 6), None),
    ]
    assert hospital.visits.count() == 1

    period.refresh_from_db()
    _move(worker, period, date(2026, 4, 1), "U6", provider="PR1", same_carers=True)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 5, 6)  # not 8 April


def test_a_late_entry_for_the_placement_before_a_temporary_move_satisfies_the_open_task() -> None:
    worker, _, _ = users()
    period = care_period()
    _move(worker, period, date(2026, 2, 6), "T4")
    assert open_tasks(period)[Clock.VISIT] == date(2026, 2, 9)
    visit_record(actor=worker, period=period, visited_on=date(2026, 2, 4), child_seen=True)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 3, 18)


def test_moving_on_from_respite_to_new_carers_opens_a_first_week_visit() -> None:
    worker, _, _ = users()
    period = care_period()
    visit_record(actor=worker, period=period, visited_on=date(2026, 3, 2), child_seen=True)
    period.refresh_from_db()
    _move(worker, period, date(2026, 3, 20), "T4")
    period.refresh_from_db()
    _move(worker, period, date(2026, 3, 24), "U4", provider="PR1", same_carers=False)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 3, 31)
    # A visit seen before the new placement started satisfies nothing now.
    visit_record(actor=worker, period=period, visited_on=date(2026, 3, 23), child_seen=True)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 3, 31)
