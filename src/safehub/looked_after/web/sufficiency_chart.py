"""Server-rendered SVG grouped bar charts for the sufficiency page: no JavaScript, CSP-clean, and
always drawn beside a table of the same figures (the table is the accessible version).

Bars take the published figures (`sufficiency.Figure`): a count hidden as "fewer than 5" or "not
shown" is not drawn at all (a bar's height would give it away), only labelled "<5" or "n/s" (R22).
"""

from dataclasses import dataclass
from typing import Any

from ..sufficiency import Figure

WIDTH, HEIGHT = 640, 260
LEFT, TOP, BOTTOM = 36, 16, 40
GAP = 10
# GOV.UK palette: blue, orange, green (distinguishable in greyscale by order and the legend).
COLOURS = ("#1d70b8", "#f47738", "#00703c")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the number, "<5" or "n/s"
    colour: str
    title: str


@dataclass(frozen=True)
class Group:
    label: str
    x: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    baseline: float
    axis_max: int
    groups: list[Group]
    legend: list[tuple[str, str]]  # (colour, series name)


def grouped_bars(labels: list[str], series: list[tuple[str, list[Figure]]]) -> Chart:
    """One group of bars per label, one bar per series within it; hidden figures are not drawn."""
    plot = HEIGHT - TOP - BOTTOM
    # The axis is scaled by shown figures only, so its top cannot reveal a hidden one.
    axis_max = max([f.shown for _name, values in series for f in values if f.shown is not None] + [4])
    slot = (WIDTH - LEFT) / max(len(labels), 1)
    bar_width = max((slot - GAP) / max(len(series), 1), 2)
    groups = []
    for index, label in enumerate(labels):
        start = LEFT + index * slot + GAP / 2
        bars = []
        for s, (name, values) in enumerate(series):
            value = values[index]
            height = plot * (value.shown or 0) / axis_max
            bars.append(
                Bar(
                    x=round(start + s * bar_width, 1),
                    y=round(TOP + plot - height, 1),
                    width=round(bar_width - 1, 1),
                    height=round(height, 1),
                    label=value.short,
                    colour=COLOURS[s % len(COLOURS)],
                    title=f"{label}: {value.text} {name.lower()}",
                )
            )
        groups.append(Group(label=label, x=round(start, 1), bars=bars))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        baseline=TOP + plot,
        axis_max=axis_max,
        groups=groups,
        legend=[(COLOURS[i % len(COLOURS)], name) for i, (name, _v) in enumerate(series)],
    )


def need_and_supply_chart(totals: list[dict[str, Any]]) -> Chart:
    """Children needing a home against available households, by kind of household."""
    return grouped_bars(
        [str(row["kind"]) for row in totals],
        [
            ("Children needing a home", [row["need"] for row in totals]),
            ("Available households", [row["available"] for row in totals]),
        ],
    )


def series_chart(points: list[dict[str, Any]]) -> Chart:
    """Open requests, available households and vacancies at each month end."""
    return grouped_bars(
        [f"{p['on']:%b %y}" for p in points],
        [
            ("Open requests", [p["open_requests"] for p in points]),
            ("Available households", [p["available_households"] for p in points]),
            ("Vacancies", [p["vacancies"] for p in points]),
        ],
    )
