"""The care leaver clocks: pathway plan reviews every 6 months and the 17th-21st birthday contacts
(903 OC3 window: 3 months before to 1 month after the birthday)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from safehub.looked_after.constants import Clock
from safehub.looked_after.leaver_clocks import (
    Rows,
    birthday_windows,
    leaver_tasks,
    next_window,
    window_status,
)

DOB = date(2009, 3, 10)


@dataclass
class _Person:
    date_of_birth: date | None = DOB


@dataclass
class _Record:
    started_on: date = date(2026, 3, 10)
    pathway_plan_on: date | None = None
    ended_on: date | None = None
    person: Any = field(default_factory=_Person)


@dataclass
class _Row:
    contact_on: date = date(2026, 1, 1)
    reviewed_on: date = date(2026, 1, 1)


def _tasks(record: _Record, contacts=(), reviews=(), today: date = date(2026, 11, 26)) -> dict[str, Any]:
    contact_rows: list[Any] = [_Row(contact_on=d) for d in contacts]
    review_rows: list[Any] = [_Row(reviewed_on=d) for d in reviews]
    rows = Rows(contacts=contact_rows, reviews=review_rows)
    return {t.key: t for t in leaver_tasks(record, rows, None, today)}  # type: ignore[arg-type]


def test_windows_run_from_three_months_before_to_one_month_after() -> None:
    w17 = birthday_windows(DOB)[0]
    assert (w17.age, w17.birthday, w17.opens_on, w17.closes_on) == (
        17,
        date(2026, 3, 10),
        date(2025, 12, 10),
        date(2026, 4, 10),
    )
    assert [w.age for w in birthday_windows(DOB)] == [17, 18, 19, 20, 21]


@pytest.mark.parametrize(
    ("contact_on", "status"),
    [
        (date(2025, 12, 9), "missed"),  # a day before the window opens
        (date(2025, 12, 10), "done"),  # the day it opens
        (date(2026, 4, 10), "done"),  # the day it closes
        (date(2026, 4, 11), "missed"),  # a day after
    ],
)
def test_window_boundaries(contact_on, status) -> None:
    assert window_status(birthday_windows(DOB)[0], [contact_on], date(2026, 11, 26)) == status


def test_window_open_and_upcoming() -> None:
    w18 = birthday_windows(DOB)[1]  # 10 March 2027, opens 10 December 2026
    assert window_status(w18, [], date(2026, 12, 9)) == "upcoming"
    assert window_status(w18, [], date(2026, 12, 10)) == "open"
    assert window_status(w18, [], date(2027, 4, 10)) == "open"
    assert window_status(w18, [], date(2027, 4, 11)) == "missed"


def test_keeping_in_touch_task_is_the_next_birthday_not_done() -> None:
    tasks = _tasks(_Record())
    task = tasks[Clock.KEEPING_IN_TOUCH]
    assert task.title == "Birthday contact (18th birthday)"
    assert task.due_on == date(2027, 4, 10)


def test_a_contact_in_the_window_moves_the_task_to_the_next_birthday() -> None:
    task = _tasks(_Record(), contacts=[date(2026, 12, 10)])[Clock.KEEPING_IN_TOUCH]
    assert task.title == "Birthday contact (19th birthday)"
    assert task.due_on == date(2028, 4, 10)


def test_a_contact_just_before_the_window_does_not_count() -> None:
    task = _tasks(_Record(), contacts=[date(2026, 12, 9)])[Clock.KEEPING_IN_TOUCH]
    assert task.title == "Birthday contact (18th birthday)"


def test_the_task_stays_open_until_its_window_closes() -> None:
    assert _tasks(_Record(), today=date(2027, 4, 10))[Clock.KEEPING_IN_TOUCH].due_on == date(2027, 4, 10)
    assert _tasks(_Record(), today=date(2027, 4, 11))[Clock.KEEPING_IN_TOUCH].due_on == date(2028, 4, 10)


def test_no_birthday_task_after_the_21st_window_or_without_a_date_of_birth() -> None:
    assert Clock.KEEPING_IN_TOUCH not in _tasks(_Record(), today=date(2030, 4, 11))
    assert Clock.KEEPING_IN_TOUCH not in _tasks(_Record(person=_Person(None)))
    assert next_window(None, [], date(2026, 1, 1)) is None


def test_29_february_birthday_falls_on_28_february() -> None:
    w17 = birthday_windows(date(2008, 2, 29))[0]
    assert w17.birthday == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("plan", "reviews", "due"),
    [
        (None, [], date(2026, 9, 10)),  # 6 months after the record opened
        (date(2026, 5, 31), [], date(2026, 11, 30)),  # after the plan was agreed (month end)
        (date(2026, 5, 1), [date(2026, 6, 1), date(2026, 10, 2)], date(2027, 4, 2)),  # after the last review
    ],
)
def test_pathway_review_due(plan, reviews, due) -> None:
    assert _tasks(_Record(pathway_plan_on=plan), reviews=reviews)[Clock.PATHWAY_REVIEW].due_on == due


def test_nothing_open_on_a_closed_record() -> None:
    assert _tasks(_Record(ended_on=date(2026, 11, 1))) == {}
