"""The collection year's figures as rows, for `safehub reporting indicators` (issue 8)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from ..services import population_for
from .base import Figure, Indicator, Kind, Period, figure, indicators

HEADER = ("indicator", "value", "numerator", "denominator")


def figures(year: int, *, on_indicator: Callable[[Indicator], object] | None = None) -> Iterator[Figure]:
    period = Period(year)
    population = population_for(year)
    for indicator in indicators():
        if on_indicator is not None:
            on_indicator(indicator)
        yield figure(indicator, period, population)


def write_csv(path: Path, rows: Iterator[Figure]) -> int:
    """Write `indicator,value,numerator,denominator`; "no data" is an empty value, never 0."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for row in rows:
            out.writerow(
                (
                    row.indicator.id,
                    "" if row.value is None else _number(row),
                    "" if row.numerator is None else row.numerator,
                    "" if row.denominator is None else row.denominator,
                )
            )
            written += 1
    return written


def _number(row: Figure) -> str:
    assert row.value is not None
    return str(int(row.value)) if row.indicator.kind == Kind.COUNT else f"{row.value:.1f}"
