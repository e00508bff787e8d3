"""England's working-day calendar for statutory and local clocks (R52).

Working days are Monday to Friday, less England's bank holidays (the `holidays` package, GB
subdivision ENG, which includes substitute days such as Monday 28 December 2026) and the
council's local closures, plus any local openings. The `WorkingCalendar` methods take plain
dates and answer plain dates; none of them reads the clock. The module-level functions build a
calendar from the LocalClosure table first.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays
from django.conf import settings
from django.utils import timezone

from .errors import NotFoundOrForbidden

if TYPE_CHECKING:
    # Imported lazily below: this module is imported by code that runs before models are ready.
    from .models import LocalClosure


@lru_cache(maxsize=256)
def _bank_holidays_named(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(_bank_holidays_named(year))


def bank_holiday_name(day: date) -> str | None:
    """The name of the England bank holiday on `day`, if it is one."""
    return _bank_holidays_named(day.year).get(day)


def england_bank_holidays(years: Iterable[int]) -> list[tuple[date, str]]:
    """England's bank holidays in `years`, in date order, with their names."""
    return sorted(item for year in years for item in _bank_holidays_named(year).items())


class WorkingCalendar:
    """A calendar with the local closures and openings loaded once.

    Build one per operation with `calendar()`; it reads the LocalClosure table once and answers
    any number of questions without another query.
    """

    def __init__(self, closures: Iterable[date] = (), openings: Iterable[date] = ()) -> None:
        self.closures = frozenset(closures)
        self.openings = frozenset(openings)

    def is_working_day(self, day: date) -> bool:
        if day in self.openings:
            return True
        if day in self.closures:
            return False
        return day.weekday() < 5 and day not in _bank_holidays(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (before it, if negative).

        `start` itself is day zero whether or not it is a working day: a referral made on a
        Saturday with a 1-working-day clock is due on Monday.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = start
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many working-day steps take `start` to `end`: the inverse of `add_working_days`.

        Forwards, it counts the working days after `start` up to and including `end`; backwards
        (end < start), minus the working days from `end` up to but excluding `start`, because
        those are the days a backward count lands on. So for every date d and integer n,
        working_days_between(d, add_working_days(d, n)) == n.
        """
        if end >= start:
            first, last, sign = start + timedelta(days=1), end, 1
        else:
            first, last, sign = end, start - timedelta(days=1), -1
        count = 0
        current = first
        while current <= last:
            if self.is_working_day(current):
                count += 1
            current += timedelta(days=1)
        return sign * count

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` office hours after `start`, counting only working days' office hours.

        Used for MASH RAG clocks ("red: 4 working hours"). A contact that arrives out of hours
        starts its clock when the office next opens; a clock that runs out exactly at closing
        time ends then, not at the next opening. The answer is in the council's time zone.
        """
        if hours < 0:
            raise ValueError("Working hours cannot be negative.")
        opens, closes = office_hours()
        tz = timezone.get_current_timezone()
        current = (
            timezone.localtime(start, tz) if timezone.is_aware(start) else timezone.make_aware(start, tz)
        )
        remaining = timedelta(hours=hours)
        while True:
            day = current.date()
            day_open = datetime.combine(day, opens, tzinfo=tz)
            day_close = datetime.combine(day, closes, tzinfo=tz)
            if not self.is_working_day(day) or current >= day_close:
                current = datetime.combine(day + timedelta(days=1), opens, tzinfo=tz)
                continue
            current = max(current, day_open)
            available = day_close - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = datetime.combine(day + timedelta(days=1), opens, tzinfo=tz)


def office_hours() -> tuple[time, time]:
    """Opening and closing time (SAFEHUB_OFFICE_OPENS / SAFEHUB_OFFICE_CLOSES, "HH:MM")."""
    opens = time.fromisoformat(settings.SAFEHUB_OFFICE_OPENS)
    closes = time.fromisoformat(settings.SAFEHUB_OFFICE_CLOSES)
    if opens >= closes:
        raise ValueError(
            f"The office must open before it closes: SAFEHUB_OFFICE_OPENS={settings.SAFEHUB_OFFICE_OPENS}, "
            f"SAFEHUB_OFFICE_CLOSES={settings.SAFEHUB_OFFICE_CLOSES}."
        )
    return opens, closes


def calendar() -> WorkingCalendar:
    """The council's calendar, with local closures and openings read from the database."""
    from .models import LocalClosure

    closures: list[date] = []
    openings: list[date] = []
    for day, kind in LocalClosure.objects.values_list("date", "kind"):
        (openings if kind == LocalClosure.Kind.OPENING else closures).append(day)
    return WorkingCalendar(closures, openings)


# Apps above platform that store due times computed from the calendar (the MASH clocks) register
# here to recompute them when a closure or opening is added or removed (ADR 0003).
_change_listeners: list[Callable[[], object]] = []


def on_calendar_change(listener: Callable[[], object]) -> None:
    if listener not in _change_listeners:
        _change_listeners.append(listener)


def calendar_changed() -> None:
    """Tell the listeners; called by the closure services after their change commits."""
    for listener in _change_listeners:
        listener()


def add_working_days(start: date, days: int) -> date:
    return calendar().add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    return calendar().working_days_between(start, end)


def add_working_hours(start: datetime, hours: float) -> datetime:
    return calendar().add_working_hours(start, hours)


def is_working_day(day: date) -> bool:
    return calendar().is_working_day(day)


# --- Reading the local closures table (for the administration pages). ---------------------------


def upcoming_local_closures(on: date) -> list["LocalClosure"]:
    """Local closures and openings from `on` onwards, soonest first."""
    from .models import LocalClosure

    return list(LocalClosure.objects.filter(date__gte=on).select_related("updated_by").order_by("date"))


def local_closure_get(closure_id: uuid.UUID) -> "LocalClosure":
    from .models import LocalClosure

    closure = LocalClosure.objects.filter(pk=closure_id).first()
    if closure is None:
        raise NotFoundOrForbidden()
    return closure
