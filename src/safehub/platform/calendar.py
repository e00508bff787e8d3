"""England's working-day calendar for statutory and local clocks (R52).

Working days are Monday to Friday, less England's bank holidays (the `holidays` package, GB
subdivision ENG) and the council's local closures, plus any local openings. Every function here
takes plain dates and answers plain dates; none of them reads the clock.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


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
        """How many working days fall after `start` up to and including `end` (negative if end < start).

        It is the inverse of `add_working_days`: working_days_between(d, add_working_days(d, n)) == n.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` office hours after `start`, counting only working days' office hours.

        Used for MASH RAG clocks ("red: 4 working hours"). A contact that arrives out of hours
        starts its clock when the office next opens.
        """
        opens, closes = office_hours()
        tz = timezone.get_current_timezone()
        local = timezone.localtime(start, tz) if timezone.is_aware(start) else start.replace(tzinfo=tz)
        remaining = timedelta(hours=hours)
        current = local
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
    opens = time.fromisoformat(settings.SAFEHUB_OFFICE_OPENS)
    closes = time.fromisoformat(settings.SAFEHUB_OFFICE_CLOSES)
    return opens, closes


def calendar() -> WorkingCalendar:
    """The council's calendar, with local closures and openings read from the database."""
    from .models import LocalClosure

    closures, openings = [], []
    for day, kind in LocalClosure.objects.values_list("date", "kind"):
        (openings if kind == LocalClosure.Kind.OPENING else closures).append(day)
    return WorkingCalendar(closures, openings)


def add_working_days(start: date, days: int) -> date:
    return calendar().add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    return calendar().working_days_between(start, end)


def add_working_hours(start: datetime, hours: float) -> datetime:
    return calendar().add_working_hours(start, hours)


def is_working_day(day: date) -> bool:
    return calendar().is_working_day(day)
