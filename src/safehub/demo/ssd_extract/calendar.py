"""Dates as proleptic ordinals (plain ints): a city of 50,000 children does millions of date sums,
and int arithmetic with one cached ISO formatting per distinct day is several times faster than
`date` objects. Working days are Monday to Friday (bank holidays are left out, so generated
"within 45 working days" durations keep a margin below the limit)."""

from datetime import date

_ISO: dict[int, str] = {}


def iso(ordinal: int | None) -> str:
    """YYYY-MM-DD for an ordinal, "" for None (an open end)."""
    if ordinal is None:
        return ""
    text = _ISO.get(ordinal)
    if text is None:
        text = _ISO[ordinal] = date.fromordinal(ordinal).isoformat()
    return text


def weekday(ordinal: int) -> int:
    """0 = Monday (date(1, 1, 1), ordinal 1, was a Monday)."""
    return (ordinal - 1) % 7


def next_working_day(ordinal: int) -> int:
    day = weekday(ordinal)
    return ordinal + (7 - day if day >= 5 else 0)


def add_working_days(ordinal: int, days: int) -> int:
    """The working day `days` working days after `ordinal` (itself moved to a working day first)."""
    ordinal = next_working_day(ordinal)
    weeks, rest = divmod(days, 5)
    ordinal += 7 * weeks
    for _ in range(rest):
        ordinal += 1
        if weekday(ordinal) == 5:
            ordinal += 2
    return ordinal


def working_days_between(start: int, end: int) -> int:
    """Working days after `start` up to and including `end` (the DfE way of counting)."""
    if end <= start:
        return 0
    weeks, rest = divmod(end - start, 7)
    count = 5 * weeks
    day = weekday(start)
    for step in range(1, rest + 1):
        if (day + step) % 7 < 5:
            count += 1
    return count


def birthday(dob: int, years: int) -> int:
    """The ordinal of the `years`-th birthday (29 February birthdays fall on 1 March)."""
    born = date.fromordinal(dob)
    try:
        return born.replace(year=born.year + years).toordinal()
    except ValueError:
        return date(born.year + years, 3, 1).toordinal()


def age_on(dob: int, ordinal: int) -> int:
    born, day = date.fromordinal(dob), date.fromordinal(ordinal)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
