"""The indicator registry: each figure defined once, worked out from its members (ADR 0009).

An `Indicator` names its figure (the CLI's id), says what it counts and over which period, and has
one function, `members(period)`, that returns the records behind it: the numerator's and, for a
percentage, the denominator's, each record with the child it is about. The value is always worked
out here from those members, so the CLI, the snapshots, the dashboards, the drill-through and the
panel report cannot disagree about a figure. A period with no records is "no data" (None), never 0
when the figure is a percentage or a rate.

Definitions live beside the records they read (`casework.py`, `looked_after.py`) and add
themselves with `register`; `docs/indicators.md` is written from this registry and checked by a
test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID


class Kind(StrEnum):
    COUNT = "count"  # how many records (referrals in the year, plans at 31 March)
    PERCENT = "percent"  # numerator as a share of the denominator, 0-100
    RATE = "per 10,000"  # another indicator's count per 10,000 children under 18 (population)


@dataclass(frozen=True)
class Period:
    """A collection year: 1 April of `year - 1` to 31 March of `year`, both days included."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"1 April {self.year - 1} to 31 March {self.year}"


# A record behind a figure -> the child (Person id) it is about. Keys are whatever identifies the
# record (a referral's id, a plan's id, a child's id for counts of children).
Members = Mapping[Any, UUID]


@dataclass(frozen=True)
class Counted:
    """What a definition returns: the numerator's records and, for a percentage, the
    denominator's (every numerator record is also a denominator record)."""

    numerator: Members
    denominator: Members | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    kind: Kind
    period: str  # in words: "the collection year", "at 31 March"
    population: str  # who or what is counted
    source: str  # the records it reads
    formula: str  # how, in words a performance analyst would check
    members: Callable[[Period], Counted] | None = None  # None for a rate (it uses `rate_of`)
    rate_of: str = ""  # a RATE's count indicator


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    period: Period
    numerator: int | None
    denominator: int | None
    value: Decimal | None  # None: no data
    members: Members  # the numerator's records (the drill-through's children)


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.id in REGISTRY:
        raise ValueError(f"indicator {indicator.id} is defined twice")
    if (indicator.kind == Kind.RATE) != bool(indicator.rate_of) or (
        indicator.kind != Kind.RATE and indicator.members is None
    ):
        raise ValueError(f"indicator {indicator.id}: a rate names its count; any other has members")
    REGISTRY[indicator.id] = indicator
    return indicator


def indicators() -> list[Indicator]:
    """Every indicator, in the order they were registered."""
    from . import casework, looked_after  # noqa: F401  (they register)

    return list(REGISTRY.values())


def get(indicator_id: str) -> Indicator:
    indicators()
    try:
        return REGISTRY[indicator_id]
    except KeyError:
        raise KeyError(f"no indicator {indicator_id!r}") from None


ONE_PLACE = Decimal("0.1")


def figure(indicator: Indicator, period: Period, population: int | None) -> Figure:
    """The indicator's figure for the period. `population` is the ONS under-18 estimate for the
    year (a rate without one is no data)."""
    if indicator.kind == Kind.RATE:
        base = figure(get(indicator.rate_of), period, population)
        count = base.numerator or 0
        value = None if not population else _round(Decimal(count) * 10_000 / population)
        return Figure(indicator, period, count, population, value, base.members)
    assert indicator.members is not None
    counted = indicator.members(period)
    numerator = len(counted.numerator)
    if indicator.kind == Kind.COUNT:
        return Figure(indicator, period, numerator, None, Decimal(numerator), counted.numerator)
    denominator = len(counted.denominator or {})
    value = _round(Decimal(numerator) * 100 / denominator) if denominator else None
    return Figure(indicator, period, numerator, denominator, value, counted.numerator)


def _round(value: Decimal) -> Decimal:
    # The DfE's releases give rates and percentages to one decimal place, halves rounded up.
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
