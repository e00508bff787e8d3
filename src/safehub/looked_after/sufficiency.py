"""Placement sufficiency as pure computation over plain rows (issue 6, item 8).

The council's duty to secure "sufficient accommodation" in its area (Children Act 1989 s22G) is
judged by setting the children who need a home against the households that could take them. The
selector (`selectors/households.py`) reads the rows; everything here is arithmetic on dates, so it
can be tested on a seeded population without a database, and the figures are counts only (no
personal data reaches this module: a child is an age and a sibling-group size).

Small cells (R22, T3). The selector leaves restricted and sealed children out before anything is
counted; `publish` then shows any count from 1 to 4 as "fewer than 5" in the tables, the charts
and the series, and a figure that is the sum of shown parts is "not shown" whenever one of those
parts is hidden, so a hidden count cannot be worked out by subtraction. The rule is the same for
every date (a month end in the series is protected exactly as that date's own view is), so two
views cannot be set against each other to recover a cell either.
"""

import calendar
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .constants import AGE_BANDS, ApprovalStatus, HouseholdKind

GROUP_BUCKETS = ("1", "2", "3+")
AGE_UNKNOWN = "Age not recorded"
SMALL_CELL_MAX = 4
SUPPRESSED = "fewer than 5"
WITHHELD = "not shown"  # a figure that would give away a hidden count beside it


@dataclass(frozen=True)
class HouseholdRow:
    id: Any
    kind: str
    status: str
    approved_on: date | None
    ended_on: date | None
    in_area: bool
    age_from: int
    age_to: int
    places: int
    sibling_group_max: int


@dataclass(frozen=True)
class PlacementRow:
    """A placement: where (household, if any), when, and whether it is inside the council's area
    (None when neither the household nor the postcode tells)."""

    household_id: Any
    started_on: date
    ended_on: date | None
    in_area: bool | None = None


@dataclass(frozen=True)
class RequestRow:
    """A placement request: the child is only a date of birth here."""

    kind: str
    date_of_birth: date | None
    sibling_group_size: int
    requested_on: date
    closed_on: date | None


# --- dates and bands ---------------------------------------------------------------------------


def age_on(born: date | None, day: date) -> int | None:
    if born is None or born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int | None) -> str:
    if age is None:
        return AGE_UNKNOWN
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_UNKNOWN


def bands_overlapping(age_from: int, age_to: int) -> list[str]:
    """Every band a household's age range touches: a household for 3 to 6 year olds counts in
    both "1 to 4" and "5 to 9", because it could take a child from either."""
    return [label for label, low, high in AGE_BANDS if low <= age_to and age_from <= high]


def group_bucket(size: int) -> str:
    return "3+" if size >= 3 else str(max(size, 1))


def month_ends(on: date, months: int) -> list[date]:
    """The last `months` month ends on or before `on`, oldest first (on 15 March: 28 February
    back). A month end is a fixed point that two people asking on different days agree on."""
    ends: list[date] = []
    year, month = on.year, on.month
    while len(ends) < months:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last <= on:
            ends.append(last)
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(ends))


# --- households on a date ----------------------------------------------------------------------


def is_placed_on(p: PlacementRow, day: date) -> bool:
    """Placed on `day`: started on or before it and not yet ended (the end day is the move day)."""
    return p.started_on <= day and (p.ended_on is None or day < p.ended_on)


def placed_counts(placements: Iterable[PlacementRow], day: date) -> Counter[Any]:
    """Children placed in each household on `day`."""
    return Counter(p.household_id for p in placements if p.household_id is not None and is_placed_on(p, day))


def vacancies(h: HouseholdRow, placed: Counter[Any]) -> int:
    """Approved places less the children placed there (never below 0: an over-full household
    has no vacancy, not a negative one)."""
    return max(h.places - placed.get(h.id, 0), 0)


def is_approved_on(h: HouseholdRow, day: date, *, today: date) -> bool:
    """Approved on `day`. A hold has no dates, so it counts only on today's view."""
    if h.approved_on is None or h.approved_on > day:
        return False
    if h.ended_on is not None and h.ended_on <= day:
        return False
    if h.status == ApprovalStatus.IN_ASSESSMENT:
        return False
    return not (h.status == ApprovalStatus.ON_HOLD and day >= today)


def is_available(h: HouseholdRow, placed: Counter[Any], day: date, *, today: date) -> bool:
    return is_approved_on(h, day, today=today) and vacancies(h, placed) >= 1


def largest_group(h: HouseholdRow, placed: Counter[Any]) -> int:
    """The largest sibling group the household could take now."""
    return min(vacancies(h, placed), h.sibling_group_max)


def is_open_on(r: RequestRow, day: date) -> bool:
    return r.requested_on <= day and (r.closed_on is None or day < r.closed_on)


# --- the view ----------------------------------------------------------------------------------

Key = tuple[str, str, str]  # (household kind, age band, sibling-group bucket)


@dataclass(frozen=True)
class SeriesPoint:
    on: date
    open_requests: int
    available_households: int
    vacancies: int
    placed_out_of_area: int
    # That day's view has a small need cell / a small households-by-area cell: its totals there
    # are protected, so these totals must be protected here too.
    need_has_small: bool = False
    supply_has_small: bool = False


@dataclass
class Sufficiency:
    on: date
    need: Counter[Key] = field(default_factory=Counter)
    supply: Counter[Key] = field(default_factory=Counter)
    # Available households by (kind, in area?); children placed by "in"/"out"/"unknown".
    households_by_area: Counter[tuple[str, bool]] = field(default_factory=Counter)
    children_by_area: Counter[str] = field(default_factory=Counter)
    series: list[SeriesPoint] = field(default_factory=list)

    @property
    def bands(self) -> list[str]:
        extra = [AGE_UNKNOWN] if any(k[1] == AGE_UNKNOWN for k in self.need) else []
        return [label for label, _low, _high in AGE_BANDS] + extra

    def rows(self) -> list[dict[str, Any]]:
        """Kind-by-band rows with need and supply per sibling-group bucket, for the tables."""
        out = []
        for kind in HouseholdKind:
            for band in self.bands:
                need = [self.need[(kind.value, band, b)] for b in GROUP_BUCKETS]
                supply = [self.supply[(kind.value, band, b)] for b in GROUP_BUCKETS]
                out.append(
                    {
                        "kind": kind.label,
                        "band": band,
                        "need": need,
                        "supply": supply,
                        "need_total": sum(need),
                        "supply_total": sum(supply),
                        "gap": sum(need) - sum(supply),
                    }
                )
        return out

    def totals_by_kind(self) -> list[dict[str, Any]]:
        out = []
        for kind in HouseholdKind:
            need = sum(v for k, v in self.need.items() if k[0] == kind.value)
            # A household counts once per kind here (not once per band it spans).
            out.append(
                {
                    "kind": kind.label,
                    "need": need,
                    "in_area": self.households_by_area[(kind.value, True)],
                    "out_of_area": self.households_by_area[(kind.value, False)],
                }
            )
        return out


def _need(requests: Sequence[RequestRow], day: date) -> Counter[Key]:
    need: Counter[Key] = Counter()
    for r in requests:
        if is_open_on(r, day):
            need[(r.kind, age_band(age_on(r.date_of_birth, day)), group_bucket(r.sibling_group_size))] += 1
    return need


def _households_by_area(
    households: Sequence[HouseholdRow], placed: Counter[Any], day: date, today: date
) -> Counter[tuple[str, bool]]:
    return Counter((h.kind, h.in_area) for h in households if is_available(h, placed, day, today=today))


def compute(
    *,
    on: date,
    today: date,
    months: int,
    households: Sequence[HouseholdRow],
    placements: Sequence[PlacementRow],
    requests: Sequence[RequestRow],
) -> Sufficiency:
    """Children needing placements against available households on `on`, and month-end history."""
    view = Sufficiency(on=on)
    view.need = _need(requests, on)
    placed = placed_counts(placements, on)
    view.households_by_area = _households_by_area(households, placed, on, today)
    for h in households:
        if not is_available(h, placed, on, today=today):
            continue
        bucket = group_bucket(largest_group(h, placed))
        for band in bands_overlapping(h.age_from, h.age_to):
            view.supply[(h.kind, band, bucket)] += 1
    for p in placements:
        if is_placed_on(p, on):
            view.children_by_area["unknown" if p.in_area is None else ("in" if p.in_area else "out")] += 1
    view.series = [series_point(d, today, households, placements, requests) for d in month_ends(on, months)]
    return view


def series_point(
    day: date,
    today: date,
    households: Sequence[HouseholdRow],
    placements: Sequence[PlacementRow],
    requests: Sequence[RequestRow],
) -> SeriesPoint:
    placed = placed_counts(placements, day)
    approved = [h for h in households if is_approved_on(h, day, today=today)]
    need = _need(requests, day)
    by_area = _households_by_area(households, placed, day, today)
    return SeriesPoint(
        on=day,
        open_requests=sum(need.values()),
        available_households=sum(1 for h in approved if vacancies(h, placed) >= 1),
        vacancies=sum(vacancies(h, placed) for h in approved),
        placed_out_of_area=sum(1 for p in placements if p.in_area is False and is_placed_on(p, day)),
        need_has_small=any(_small(v) for v in need.values()),
        supply_has_small=any(_small(v) for v in by_area.values()),
    )


# --- what may be shown (R22) -------------------------------------------------------------------


def _small(value: int) -> bool:
    return 1 <= value <= SMALL_CELL_MAX


@dataclass(frozen=True)
class Figure:
    """One count as it may be shown: the number, "fewer than 5" (1 to 4), or "not shown" (a sum
    whose parts include a hidden count, which subtraction would otherwise give away)."""

    value: int
    hidden: bool = False
    withheld: bool = False

    @property
    def text(self) -> str:
        if self.withheld:
            return WITHHELD
        return SUPPRESSED if self.hidden else f"{self.value:,}"

    @property
    def short(self) -> str:
        """For a chart's bar label."""
        if self.withheld:
            return "n/s"
        return "<5" if self.hidden else str(self.value)

    @property
    def concealed(self) -> bool:
        return self.hidden or self.withheld

    @property
    def shown(self) -> int | None:
        """The number a chart may draw; None when it must not be drawn."""
        return None if self.concealed else self.value


def figure(value: int, *, parts: Iterable["Figure"] = (), protect: bool = False) -> Figure:
    """`value` as it may be shown. A sum of `parts` is withheld when any part is concealed (or when
    `protect` says a part elsewhere is), because the shown parts and the sum would pin it down."""
    if _small(value):
        return Figure(value, hidden=True)
    if value and (protect or any(p.concealed for p in parts)):
        return Figure(value, withheld=True)
    return Figure(value)


@dataclass
class Published:
    """The figures of a `Sufficiency` as the page may show them."""

    rows: list[dict[str, Any]]  # kind, band, need[3], supply[3], shortfall (Figures)
    totals: list[dict[str, Any]]  # kind, need, in_area, out_of_area, available (Figures)
    children_by_area: dict[str, Figure]
    series: list[dict[str, Any]]  # on, open_requests, available_households, vacancies, placed_out_of_area


def publish(view: Sufficiency) -> Published:
    rows = []
    need_cells: dict[str, list[Figure]] = {}
    for row in view.rows():
        if not (row["need_total"] or row["supply_total"]):
            continue
        need = [figure(v) for v in row["need"]]
        supply = [figure(v) for v in row["supply"]]
        need_cells.setdefault(row["kind"], []).extend(need)
        # The shortfall with the supply gives the need total, and so any one hidden need cell.
        gap = max(row["gap"], 0)
        shortfall = Figure(gap, withheld=any(c.concealed for c in need + supply))
        rows.append(
            {"kind": row["kind"], "band": row["band"], "need": need, "supply": supply, "shortfall": shortfall}
        )
    totals = []
    for row in view.totals_by_kind():
        need_total = figure(row["need"], parts=need_cells.get(row["kind"], []))
        in_area, out_of_area = figure(row["in_area"]), figure(row["out_of_area"])
        available = figure(row["in_area"] + row["out_of_area"], parts=[in_area, out_of_area])
        totals.append(
            {
                "kind": row["kind"],
                "need": need_total,
                "in_area": in_area,
                "out_of_area": out_of_area,
                "available": available,
            }
        )
    series = [
        {
            "on": p.on,
            "open_requests": figure(p.open_requests, protect=p.need_has_small),
            "available_households": figure(p.available_households, protect=p.supply_has_small),
            "vacancies": figure(p.vacancies),
            "placed_out_of_area": figure(p.placed_out_of_area),
        }
        for p in view.series
    ]
    return Published(
        rows=rows,
        totals=totals,
        children_by_area={k: figure(view.children_by_area[k]) for k in ("in", "out", "unknown")},
        series=series,
    )
