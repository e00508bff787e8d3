"""The children in care clock rules, boundary by boundary, and golden due dates over Christmas
and Easter 2026 (R52). Pure: no database; rows are stand-ins with the fields the rules read.
"""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from safehub.looked_after.clocks import (
    Rows,
    VisitRegime,
    age_on,
    health_assessment_due_on,
    period_tasks,
    review_due_on,
    visit_due_on,
)
from safehub.looked_after.constants import Clock, HealthCheckKind
from safehub.platform.calendar import WorkingCalendar

CAL = WorkingCalendar()


def _placement(
    started_on: date,
    *,
    until_18: bool = False,
    ended_on: date | None = None,
    pk: int = 1,
    place: str = "U4",
    household: int | None = None,
    same_carers: bool = False,
    carer_name: str = "",
) -> Any:
    return SimpleNamespace(
        pk=pk,
        started_on=started_on,
        ended_on=ended_on,
        intended_until_18=until_18,
        placement_type=place,
        provider="PR1",
        urn="",
        postcode="",
        carer_name=carer_name,
        household_id=household,
        same_carers=same_carers,
    )


def _period(started_on: date, *, born: date | None = date(2015, 6, 1), ended_on: date | None = None) -> Any:
    return SimpleNamespace(
        started_on=started_on, ended_on=ended_on, person=SimpleNamespace(date_of_birth=born)
    )


def _rows(**kwargs: Any) -> Rows:
    values: dict[str, Any] = {
        "reviews": [],
        "visits": [],
        "placements": [],
        "health_checks": [],
        "missing": [],
    }
    values.update(kwargs)
    return Rows(**values)


def _specs(period: Any, rows: Rows) -> dict[str, date]:
    return {spec.key: spec.due_on for spec in period_tasks(period, rows, CAL)}


# --- reviews (reg. 33) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "due"),
    [
        ([], date(2026, 3, 2)),  # 20 working days after Mon 2 Feb 2026
        ([date(2026, 2, 20)], date(2026, 5, 20)),  # second: 3 months after the first
        ([date(2026, 1, 31)], date(2026, 4, 30)),  # 31 Jan + 3 months: the month's last day
        ([date(2026, 2, 20), date(2026, 5, 15)], date(2026, 11, 15)),  # later: 6 months after the last
        ([date(2026, 2, 20), date(2026, 5, 15), date(2026, 8, 31)], date(2027, 2, 28)),
    ],
)
def test_review_due(held: list[date], due: date) -> None:
    assert review_due_on(date(2026, 2, 2), held, CAL)[0] == due


def test_first_review_over_christmas_2026() -> None:
    """R52: entry Mon 14 Dec 2026 → 20 working days skip 25 Dec, the Boxing Day substitute
    (Mon 28 Dec) and New Year's Day: due Thu 14 January 2027, not Mon 11 January."""
    assert review_due_on(date(2026, 12, 14), [], CAL)[0] == date(2027, 1, 14)


def test_first_review_and_health_assessment_over_easter_2026() -> None:
    """R52: entry Mon 23 March 2026 → Good Friday (3 Apr) and Easter Monday (6 Apr) skipped:
    both due Wed 22 April 2026 rather than Mon 20 April."""
    assert review_due_on(date(2026, 3, 23), [], CAL)[0] == date(2026, 4, 22)
    assert health_assessment_due_on(date(2026, 3, 23), None, None, CAL)[0] == date(2026, 4, 22)


# --- visits (reg. 28) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until_18", "last", "due"),
    [
        (False, None, date(2025, 1, 8)),  # within a week of the placement starting
        (False, date(2025, 1, 6), date(2025, 2, 17)),  # then 6 weeks after the last visit
        (True, date(2025, 6, 1), date(2025, 7, 13)),  # intended until 18, first year: still 6 weeks
        (True, date(2026, 1, 1), date(2026, 2, 12)),  # exactly a year on: not yet "more than a year"
        (True, date(2026, 1, 2), date(2026, 4, 2)),  # more than a year on: 3 months
        (False, date(2026, 1, 2), date(2026, 2, 13)),  # not intended until 18: 6 weeks always
    ],
)
def test_visit_due(until_18: bool, last: date | None, due: date) -> None:
    regime = VisitRegime(placements=(_placement(date(2025, 1, 1), until_18=until_18),))
    assert visit_due_on(regime, last)[0] == due


def test_visit_clock_reads_only_visits_that_saw_the_child_in_the_current_placement() -> None:
    old = _placement(date(2025, 1, 1), ended_on=date(2025, 6, 1), pk=1)
    new = _placement(date(2025, 6, 1), pk=2)
    visits = [
        SimpleNamespace(placement_id=1, visited_on=date(2025, 5, 30), child_seen=True),
        SimpleNamespace(placement_id=2, visited_on=date(2025, 6, 20), child_seen=False),
    ]
    specs = _specs(_period(date(2025, 1, 1)), _rows(placements=[old, new], visits=visits))
    assert specs[Clock.VISIT] == date(2025, 6, 8)


def test_no_current_placement_no_visit_clock() -> None:
    ended = _placement(date(2025, 1, 1), ended_on=date(2025, 6, 1))
    assert Clock.VISIT not in _specs(_period(date(2025, 1, 1)), _rows(placements=[ended]))


# --- health (initial within 20 working days; then 6 or 12 months by age) ---------------------------


@pytest.mark.parametrize(
    ("born", "last", "due"),
    [
        (date(2022, 3, 2), None, date(2026, 3, 2)),  # initial: 20 working days after entry
        (date(2022, 3, 2), date(2026, 3, 1), date(2026, 9, 1)),  # 3 at the last: 6 months
        (date(2021, 3, 2), date(2026, 3, 1), date(2026, 9, 1)),  # a day short of 5: 6 months
        (date(2021, 3, 1), date(2026, 3, 1), date(2027, 3, 1)),  # 5 that day: 12 months
        (None, date(2026, 3, 1), date(2026, 9, 1)),  # age unknown: the shorter interval
    ],
)
def test_health_assessment_due(born: date | None, last: date | None, due: date) -> None:
    assert health_assessment_due_on(date(2026, 2, 2), last, born, CAL)[0] == due


def test_age_on_birthday_boundaries() -> None:
    assert age_on(date(2020, 2, 29), date(2024, 2, 28)) == 3
    assert age_on(date(2020, 2, 29), date(2024, 2, 29)) == 4
    assert age_on(date(2020, 2, 29), date(2025, 3, 1)) == 5


def test_dental_first_twelve_months_after_entry_then_twelve_after_the_last() -> None:
    period = _period(date(2026, 2, 2))
    assert _specs(period, _rows())[Clock.DENTAL] == date(2027, 2, 2)
    check = SimpleNamespace(kind=HealthCheckKind.DENTAL, done_on=date(2026, 5, 5))
    assert _specs(period, _rows(health_checks=[check]))[Clock.DENTAL] == date(2027, 5, 5)


def test_health_assessment_clock_ignores_other_checks() -> None:
    period = _period(date(2026, 2, 2))
    checks = [SimpleNamespace(kind=HealthCheckKind.IMMUNISATIONS, done_on=date(2026, 2, 10))]
    assert _specs(period, _rows(health_checks=checks))[Clock.HEALTH_ASSESSMENT] == date(2026, 3, 2)


# --- return home interview (72 hours) ---------------------------------------------------------------


def test_return_interview_due_three_days_after_the_earliest_unoffered_return() -> None:
    def episode(ended: date | None, offered: date | None = None) -> Any:
        return SimpleNamespace(ended_on=ended, interview_offered_on=offered)

    period = _period(date(2026, 2, 2))
    assert Clock.RETURN_INTERVIEW not in _specs(period, _rows(missing=[episode(None)]))
    assert Clock.RETURN_INTERVIEW not in _specs(
        period, _rows(missing=[episode(date(2026, 3, 1), date(2026, 3, 2))])
    )
    rows = _rows(missing=[episode(date(2026, 3, 10)), episode(date(2026, 3, 5)), episode(None)])
    assert _specs(period, rows)[Clock.RETURN_INTERVIEW] == date(2026, 3, 8)


def test_a_closed_period_has_no_clocks() -> None:
    period = _period(date(2026, 2, 2), ended_on=date(2026, 3, 1))
    assert period_tasks(period, _rows(), CAL) == []


def test_an_open_period_has_review_health_and_dental_clocks_from_entry() -> None:
    assert set(_specs(_period(date(2026, 2, 2)), _rows())) == {
        Clock.REVIEW,
        Clock.HEALTH_ASSESSMENT,
        Clock.DENTAL,
    }
