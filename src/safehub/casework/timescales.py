"""Local timescales: a council's setting, else the default (PRODUCT.md, "the clocks").

Statutory timescales are fixed in the code of the service that owns them, with their source;
only the local ones (visit frequencies, CIN plan reviews, later core groups) are settings.
"""

import calendar as _calendar
from datetime import date, timedelta

from safehub.platform.calendar import add_working_days

from .constants import LOCAL_TIMESCALE_DEFAULTS, TimescaleUnit
from .models import TimescaleSetting


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def add_period(start: date, amount: int, unit: str) -> date:
    if unit == TimescaleUnit.WORKING_DAYS:
        return add_working_days(start, amount)
    if unit == TimescaleUnit.DAYS:
        return start + timedelta(days=amount)
    if unit == TimescaleUnit.WEEKS:
        return start + timedelta(weeks=amount)
    if unit == TimescaleUnit.MONTHS:
        return add_months(start, amount)
    raise ValueError(f"Unknown timescale unit {unit!r}")


def timescales() -> dict[str, tuple[int, str]]:
    """Every local timescale in force: one query, for a whole recompute."""
    values = dict(LOCAL_TIMESCALE_DEFAULTS)
    for setting in TimescaleSetting.objects.all():
        values[setting.key] = (setting.amount, setting.unit)
    return values


def after(start: date, key: str, values: dict[str, tuple[int, str]] | None = None) -> date:
    """`start` plus the local timescale `key`."""
    amount, unit = (values or timescales())[key]
    return add_period(start, amount, unit)


def describe(key: str, values: dict[str, tuple[int, str]] | None = None) -> str:
    amount, unit = (values or timescales())[key]
    label = TimescaleUnit(unit).label
    return f"every {amount} {label[:-1] if amount == 1 else label}"
