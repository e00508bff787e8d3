"""The MASH dashboard (issue 4, item 8): volumes, RAG mix, timeliness, outcomes, sources and each
partner agency's response timeliness, by week or month. Counts only: no names, no references.

Every figure is grouped in the database (``values`` + ``annotate`` with ``TruncWeek`` or
``TruncMonth``), so the page costs the same handful of queries whether the hub holds a hundred
contacts or a hundred thousand. Periods are cohorts: each row counts the contacts *received* in
that week or month (and the information requests *sent* in it), however long they took, so a
row's figures always describe the same contacts.

Small cells (R22). Any count from 1 to 4 is shown as "fewer than 5", and so is a percentage whose
numerator or denominator is from 1 to 4. Restricted and sealed records (a staff member's child, a
refuge case, an adoption) are counted here like every other contact, because a dashboard that
left them out would be wrong; but a cell of one or two in a week could be matched with what a
reader knows ("the contact about the head teacher's daughter came in that week") and reveal that
the record exists and what happened to it. A count of five or more cannot single anyone out in
the same way. Where one cell of a group that adds up to a shown total is hidden, the smallest
other non-zero cell is hidden too, so the hidden one cannot be worked out by subtraction.
"""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused
from safehub.reference_data.models import Code

from ..constants import OPEN_STATUSES, REFERRAL_SOURCE_LIST, Outcome, Rag
from ..models import Contact, InformationRequest, RagRating

SMALL_CELL_MAX = 4
SUPPRESSED = "fewer than 5"
PERIODS = ("week", "month")
DEFAULT_SPAN = 12  # weeks or months shown when no range is given
MAX_DAYS = 3 * 366  # a longer range is an export job, not a page
NOT_RATED = "not_rated"


# --- cells --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One count as it may be shown: `text` is the number, or "fewer than 5" (R22)."""

    value: int
    hidden: bool = False

    @property
    def text(self) -> str:
        return SUPPRESSED if self.hidden else f"{self.value:,}"

    @property
    def shown(self) -> int | None:
        """The number a chart may draw; None when it must not be drawn."""
        return None if self.hidden else self.value


def cell(value: int) -> Cell:
    return Cell(value=value, hidden=1 <= value <= SMALL_CELL_MAX)


@dataclass(frozen=True)
class Rate:
    """`part` of `whole` as a percentage, hidden when either is a small cell."""

    part: int
    whole: int

    @property
    def hidden(self) -> bool:
        return 1 <= self.part <= SMALL_CELL_MAX or 1 <= self.whole <= SMALL_CELL_MAX

    @property
    def text(self) -> str:
        if self.whole == 0:
            return "none"
        if self.hidden:
            return f"not shown ({SUPPRESSED})"
        return f"{round(100 * self.part / self.whole)}%"


def suppress_group(values: Sequence[int]) -> list[Cell]:
    """Cells of a group whose total is shown: when exactly one is hidden, hide the next smallest
    non-zero one too, so the hidden one cannot be found by subtraction from the total."""
    cells = [cell(v) for v in values]
    hidden = [i for i, c in enumerate(cells) if c.hidden]
    if len(hidden) == 1:
        others = [(v, i) for i, v in enumerate(values) if v > 0 and i not in hidden]
        if others:
            _, smallest = min(others)
            cells[smallest] = Cell(value=values[smallest], hidden=True)
    return cells


# --- the dashboard's shape ----------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodRow:
    start: dt.date
    label: str
    received: Cell
    rag: dict[str, Cell]  # red, amber, green, not_rated
    rated_in_time: Rate
    decided_in_time: Rate
    outcomes: dict[str, Cell]


@dataclass(frozen=True)
class SourceRow:
    code: str
    label: str
    cells: list[Cell]  # one per period, in period order
    total: Cell


@dataclass(frozen=True)
class AgencyRow:
    name: str
    sent: Cell
    answered: Cell
    answered_in_time: Rate
    median_hours: str  # "3.5", or the small-cell text


@dataclass(frozen=True)
class OpenRow:
    rag: str
    label: str
    open: Cell
    overdue: Cell


@dataclass
class Dashboard:
    period: str
    start: dt.date
    end: dt.date
    rows: list[PeriodRow] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    agencies: list[AgencyRow] = field(default_factory=list)
    open_now: list[OpenRow] = field(default_factory=list)
    open_total: Cell = field(default_factory=lambda: cell(0))
    overdue_total: Cell = field(default_factory=lambda: cell(0))

    @property
    def outcome_labels(self) -> list[tuple[str, str]]:
        return list(Outcome.choices)

    @property
    def rag_labels(self) -> list[tuple[str, str]]:
        return [*Rag.choices, (NOT_RATED, "Not yet rated")]


# --- the period arithmetic ----------------------------------------------------------------------
def period_start(day: dt.date, period: str) -> dt.date:
    """The Monday of `day`'s week, or the 1st of its month (what TruncWeek/TruncMonth give)."""
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(start: dt.date, period: str) -> dt.date:
    if period == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_starts(start: dt.date, end: dt.date, period: str) -> list[dt.date]:
    found = []
    current = period_start(start, period)
    while current <= end:
        found.append(current)
        current = _next_start(current, period)
    return found


def default_range(period: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 12 weeks or 12 months, including the current one."""
    today = today or clock.today()
    start = period_start(today, period)
    for _ in range(DEFAULT_SPAN - 1):
        start = period_start(start - dt.timedelta(days=1), period)
    return start, today


def period_label(start: dt.date, period: str) -> str:
    if period == "week":
        return f"Week of {start.day} {start:%b %Y}"
    return f"{start:%B %Y}"


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight at the start of `start` and after `end`, as aware datetimes."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz),
    )


def _trunc(period: str, field_name: str) -> Any:
    kind = TruncWeek if period == "week" else TruncMonth
    return kind(field_name, output_field=DateField())


# --- the selector -------------------------------------------------------------------------------
def mash_dashboard(*, actor: Any, period: str = "week", start: dt.date, end: dt.date) -> Dashboard:
    """The dashboard for contacts received from `start` to `end` (inclusive), by `period`.

    Needs VIEW_MASH_DASHBOARD. Auditing the view is the caller's (the page's) job, because a
    test or an export may read the figures without showing them.
    """
    if not actor.has_capability(Capability.VIEW_MASH_DASHBOARD):
        raise PermissionRefused()
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    if end < start or (end - start).days > MAX_DAYS:
        raise ValueError("The range must run forwards and cover at most three years.")
    since, until = _bounds(start, end)
    contacts = Contact.objects.filter(received_at__gte=since, received_at__lt=until)
    starts = period_starts(start, end, period)
    board = Dashboard(period=period, start=start, end=end)
    board.rows = _period_rows(contacts, period, starts)
    board.sources = _source_rows(contacts, period, starts)
    board.agencies = _agency_rows(since, until)
    _open_now(board)
    return board


def _period_rows(contacts: QuerySet[Contact], period: str, starts: list[dt.date]) -> list[PeriodRow]:
    first_rating = RagRating.objects.filter(contact=OuterRef("pk")).order_by("created_at", "pk")
    counted = (
        contacts.annotate(
            period=_trunc(period, "received_at"),
            first_rated_at=Subquery(first_rating.values("created_at")[:1]),
            first_due_at=Subquery(first_rating.values("due_at")[:1]),
        )
        .values("period")
        .annotate(
            received=Count("pk"),
            red=Count("pk", filter=Q(rag=Rag.RED)),
            amber=Count("pk", filter=Q(rag=Rag.AMBER)),
            green=Count("pk", filter=Q(rag=Rag.GREEN)),
            rated=Count("pk", filter=Q(first_rated_at__isnull=False)),
            rated_in_time=Count("pk", filter=Q(first_rated_at__lte=F("first_due_at"))),
            decided=Count("pk", filter=Q(decided_at__isnull=False)),
            decided_in_time=Count("pk", filter=Q(decided_at__lte=F("decision_due_at"))),
        )
        .order_by("period")
    )
    by_period: dict[dt.date, dict[str, Any]] = {row["period"]: dict(row) for row in counted}
    outcomes: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for grouped in (
        contacts.exclude(outcome="")
        .annotate(period=_trunc(period, "received_at"))
        .values("period", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        outcomes[grouped["period"]][grouped["outcome"]] = grouped["n"]

    rows = []
    empty: dict[str, Any] = dict.fromkeys(
        ("received", "red", "amber", "green", "rated", "rated_in_time", "decided", "decided_in_time"), 0
    )
    for start in starts:
        row = by_period.get(start, empty)
        received = row["received"]
        rag_values = [row["red"], row["amber"], row["green"]]
        rag_values.append(received - sum(rag_values))
        rag_cells = suppress_group(rag_values)
        outcome_values = [outcomes[start].get(code, 0) for code in Outcome.values]
        rows.append(
            PeriodRow(
                start=start,
                label=period_label(start, period),
                received=cell(received),
                rag=dict(zip([*Rag.values, NOT_RATED], rag_cells, strict=True)),
                rated_in_time=Rate(row["rated_in_time"], row["rated"]),
                decided_in_time=Rate(row["decided_in_time"], row["decided"]),
                # Undecided contacts are not a column, so outcomes do not add up to a shown total.
                outcomes=dict(zip(Outcome.values, [cell(v) for v in outcome_values], strict=True)),
            )
        )
    return rows


def _source_rows(contacts: QuerySet[Contact], period: str, starts: list[dt.date]) -> list[SourceRow]:
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in (
        contacts.annotate(period=_trunc(period, "received_at"))
        .values("period", "referral_source")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["referral_source"]][row["period"]] = row["n"]
    labels = _source_labels(counts)
    rows = []
    for code in sorted(counts):
        values = [counts[code].get(start, 0) for start in starts]
        rows.append(
            SourceRow(
                code=code,
                label=labels.get(code, code),
                cells=[cell(v) for v in values],
                total=cell(sum(values)),
            )
        )
    return rows


def _source_labels(codes: Iterable[str]) -> dict[str, str]:
    wanted = list(codes)
    if not wanted:
        return {}
    # Withdrawn codes keep their label: last year's contacts still carry them.
    return dict(
        Code.objects.filter(code_list__key=REFERRAL_SOURCE_LIST, code__in=wanted).values_list("code", "label")
    )


def _agency_rows(since: dt.datetime, until: dt.datetime) -> list[AgencyRow]:
    """Each partner agency's answers to the requests the hub sent it in the range.

    Median hours are elapsed (clock) hours from sending to answering, not working hours: the
    figure partners are held to in the MASH protocol, and cheap to compute over a year.
    """
    requests = InformationRequest.objects.filter(sent_at__gte=since, sent_at__lt=until)
    totals = (
        requests.values("agency_id", "agency__name")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            in_time=Count("pk", filter=Q(answered_at__lte=F("due_at"))),
        )
        .order_by("agency__name")
    )
    durations: dict[Any, list[float]] = defaultdict(list)
    for agency_id, sent_at, answered_at in requests.filter(answered_at__isnull=False).values_list(
        "agency_id", "sent_at", "answered_at"
    ):
        if answered_at is not None:
            durations[agency_id].append((answered_at - sent_at).total_seconds() / 3600)
    rows = []
    for row in totals:
        answered = row["answered"]
        hours = durations.get(row["agency_id"], [])
        median = "none"
        if hours:
            median = SUPPRESSED if answered <= SMALL_CELL_MAX else f"{statistics.median(hours):.1f}"
        rows.append(
            AgencyRow(
                name=row["agency__name"],
                sent=cell(row["sent"]),
                answered=cell(answered),
                answered_in_time=Rate(row["in_time"], answered),
                median_hours=median,
            )
        )
    return rows


def _open_now(board: Dashboard) -> None:
    now = clock.now()
    counts: dict[str, dict[str, Any]] = {
        row["rag"]: dict(row)
        for row in Contact.objects.filter(status__in=OPEN_STATUSES)
        .values("rag")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(next_due_at__lt=now)))
        .order_by()
    }
    keys = [*Rag.values, ""]
    labels = [*Rag.labels, "Not yet rated"]
    open_values = [counts.get(k, {}).get("open", 0) for k in keys]
    overdue_values = [counts.get(k, {}).get("overdue", 0) for k in keys]
    open_cells = suppress_group(open_values)
    overdue_cells = suppress_group(overdue_values)
    board.open_now = [
        OpenRow(rag=k or NOT_RATED, label=label, open=o, overdue=d)
        for k, label, o, d in zip(keys, labels, open_cells, overdue_cells, strict=True)
    ]
    board.open_total = cell(sum(open_values))
    board.overdue_total = cell(sum(overdue_values))


# --- a partner system following what it sent (the contacts API's status endpoint) ---------------
# Kept beside the dashboard because both are read-only projections with no personal data; it
# belongs with the contact selectors and can move there unchanged.
# The code a partner system branches on; the words are the portal's, so both say the same.
