"""The working-day calendar (R52): England's bank holidays, local closures and office hours."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safehub.platform import calendar as cal
from safehub.platform.calendar import WorkingCalendar, england_bank_holidays, office_hours
from safehub.platform.models import LocalClosure

LONDON = ZoneInfo("Europe/London")
ENGLAND = WorkingCalendar()


def at(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=LONDON)


# --- Golden cases -----------------------------------------------------------------------------


def test_easter_2026():
    """R52: Good Friday (3 April) and Easter Monday (6 April) are not working days."""
    assert not ENGLAND.is_working_day(date(2026, 4, 3))
    assert not ENGLAND.is_working_day(date(2026, 4, 6))
    assert ENGLAND.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert ENGLAND.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1


def test_christmas_2026_substitute_day():
    """R52: Christmas Day is a Friday, so Boxing Day's bank holiday moves to Monday 28 December."""
    assert not ENGLAND.is_working_day(date(2026, 12, 25))
    assert not ENGLAND.is_working_day(date(2026, 12, 28))
    assert ENGLAND.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert "Boxing Day (observed)" in dict(england_bank_holidays([2026])).values()


def test_45_working_day_assessment_across_christmas():
    """An assessment started 1 December 2026 is due 45 working days later, on 5 February 2027.

    December has 20 working days after the 1st (25 and 28 December are bank holidays), January
    has 20 (1 January is one), leaving 5 in February. Without the three holidays it would be 2 Feb.
    """
    assert ENGLAND.add_working_days(date(2026, 12, 1), 45) == date(2027, 2, 5)
    assert ENGLAND.working_days_between(date(2026, 12, 1), date(2027, 2, 5)) == 45


def test_15_working_day_icpc_across_new_year():
    """An initial child protection conference within 15 working days of a strategy discussion."""
    assert ENGLAND.add_working_days(date(2026, 12, 14), 15) == date(2027, 1, 7)


def test_start_on_a_weekend_counts_from_day_zero():
    assert ENGLAND.add_working_days(date(2026, 4, 18), 1) == date(2026, 4, 20)  # Saturday -> Monday
    assert ENGLAND.add_working_days(date(2026, 4, 18), 0) == date(2026, 4, 18)


def test_counting_backwards():
    assert ENGLAND.add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 2)
    assert ENGLAND.working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == -1


# --- Local closures and openings --------------------------------------------------------------


def test_local_closure_is_not_a_working_day():
    closed = WorkingCalendar(closures=[date(2026, 4, 7)])
    assert closed.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 8)


def test_local_opening_is_a_working_day():
    opened = WorkingCalendar(openings=[date(2026, 4, 6)])  # working on Easter Monday
    assert opened.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 6)
    assert opened.is_working_day(date(2026, 4, 6))


@pytest.mark.django_db
def test_module_functions_read_the_closures_table():
    LocalClosure.objects.create(date=date(2026, 4, 7), reason="Council closure day")
    LocalClosure.objects.create(
        date=date(2026, 4, 11), kind=LocalClosure.Kind.OPENING, reason="Saturday opening"
    )
    assert not cal.is_working_day(date(2026, 4, 7))
    assert cal.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 8)
    assert cal.working_days_between(date(2026, 4, 2), date(2026, 4, 13)) == 5  # 8, 9, 10, 11, 13
    assert cal.add_working_hours(at("2026-04-10", "16:00"), 2) == at("2026-04-11", "10:00")


# --- Working hours ----------------------------------------------------------------------------


def test_red_rag_four_hours_from_friday_afternoon():
    """A red contact at 15:00 on Friday is due at 11:00 on Monday (2 hours each side)."""
    assert ENGLAND.add_working_hours(at("2026-04-17", "15:00"), 4) == at("2026-04-20", "11:00")


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at("2026-04-18", "10:00"), 1, at("2026-04-20", "10:00")),  # Saturday -> Monday's opening
        (at("2026-04-20", "07:30"), 2, at("2026-04-20", "11:00")),  # before opening
        (at("2026-04-21", "18:00"), 1, at("2026-04-22", "10:00")),  # after closing
        (at("2026-04-20", "15:00"), 2, at("2026-04-20", "17:00")),  # ends exactly at closing
        (at("2026-04-18", "10:00"), 0, at("2026-04-20", "09:00")),  # no time: the next opening
    ],
)
def test_out_of_hours_start_begins_at_next_opening(start, hours, due):
    assert ENGLAND.add_working_hours(start, hours) == due


def test_working_hours_skip_a_bank_holiday_weekend():
    """Thursday 16:00 + 4 hours: 1 on Thursday, Good Friday to Easter Monday skipped, 3 on Tuesday."""
    assert ENGLAND.add_working_hours(at("2026-04-02", "16:00"), 4) == at("2026-04-07", "12:00")


def test_utc_input_is_read_in_council_time():
    """14:00 UTC in April is 15:00 in London (BST): the clock runs in the council's time."""
    start = datetime(2026, 4, 17, 14, 0, tzinfo=ZoneInfo("UTC"))
    assert ENGLAND.add_working_hours(start, 4) == at("2026-04-20", "11:00")


def test_naive_input_is_council_time():
    assert ENGLAND.add_working_hours(datetime(2026, 4, 17, 15, 0), 4) == at("2026-04-20", "11:00")


def test_office_hours_are_configurable(settings):
    settings.SAFEHUB_OFFICE_OPENS = "08:30"
    settings.SAFEHUB_OFFICE_CLOSES = "16:30"
    assert ENGLAND.add_working_hours(at("2026-04-17", "15:00"), 4) == at("2026-04-20", "11:00")
    assert ENGLAND.add_working_hours(at("2026-04-17", "16:00"), 1) == at("2026-04-20", "09:00")


def test_bad_office_hours_and_negative_hours_are_refused(settings):
    with pytest.raises(ValueError, match="negative"):
        ENGLAND.add_working_hours(at("2026-04-17", "15:00"), -1)
    settings.SAFEHUB_OFFICE_OPENS = "17:00"
    settings.SAFEHUB_OFFICE_CLOSES = "09:00"
    with pytest.raises(ValueError, match="open before it closes"):
        office_hours()


# --- Properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
local_days = st.frozensets(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), max_size=20)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    closures = draw(local_days)
    openings = draw(local_days) - closures
    return WorkingCalendar(closures=closures, openings=openings)


@hypothesis_settings(max_examples=200, deadline=None)
@given(calendars(), days, st.integers(min_value=1, max_value=300))
def test_result_is_always_a_working_day(calendar, start, n):
    assert calendar.is_working_day(calendar.add_working_days(start, n))
    assert calendar.is_working_day(calendar.add_working_days(start, -n))


@hypothesis_settings(max_examples=200, deadline=None)
@given(calendars(), days, st.integers(min_value=-300, max_value=300))
def test_working_days_between_inverts_add_working_days(calendar, start, n):
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


@hypothesis_settings(max_examples=200, deadline=None)
@given(calendars(), days, st.integers(min_value=-200, max_value=200), st.integers(min_value=1, max_value=50))
def test_monotonic_in_n(calendar, start, n, more):
    assert calendar.add_working_days(start, n) < calendar.add_working_days(start, n + more)


@hypothesis_settings(max_examples=200, deadline=None)
@given(calendars(), days, st.integers(min_value=0, max_value=60), st.integers(min_value=-200, max_value=200))
def test_monotonic_in_start(calendar, start, later_by, n):
    later = start + timedelta(days=later_by)
    assert calendar.add_working_days(start, n) <= calendar.add_working_days(later, n)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    calendars(),
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31)),
    st.floats(min_value=0.25, max_value=80, allow_nan=False),
)
def test_working_hours_end_inside_office_hours(calendar, start, hours):
    due = calendar.add_working_hours(start, hours)
    assert calendar.is_working_day(due.date())
    assert time(9, 0) < due.timetz().replace(tzinfo=None) <= time(17, 0)
    assert due > start.replace(tzinfo=LONDON)
