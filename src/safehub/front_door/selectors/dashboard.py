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
the same way.

A hidden count must not be recoverable from the figures around it either. Every table whose cells
add up to a shown figure is a group: the RAG mix of a period and the sources of a period against
that period's received count, each source's periods against its "All" total, outcomes (with the
contacts not yet decided, which a reader may well know: old periods are all decided) against the
received count, and the open-now columns against their totals. `protect` hides further cells
("not shown") until, in every group, no hidden cell can be pinned down from the total, the shown
cells and what the labels tell a reader (a small cell is 1 to 4; a protecting cell is at least 5
and, being chosen smallest first, at most the smallest count still shown beside it); then the
sums are solved all together, so a cycle of rows and columns cannot pin one down either. Ranges
are whole periods, so two overlapping ranges cannot be subtracted to isolate a day.
docs/domain/mash-dashboard.md says what is still not covered.
"""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
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
from ..disclosure import (
    SMALL_CELL_MAX,
    SUPPRESSED,
    Cell,
    Group,
    Rate,
    cell,
    protect,
)
from ..models import Contact, InformationRequest, RagRating

PERIODS = ("week", "month")
DEFAULT_SPAN = 12  # weeks or months shown when no range is given
MAX_DAYS = 3 * 366  # a longer range is an export job, not a page
NOT_RATED = "not_rated"


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

    The range is widened to whole periods (to today at most, for the current one): a range that
    started or ended mid-week could be set a day apart twice and the two pages subtracted (R22).
    Needs VIEW_MASH_DASHBOARD. Auditing the view is the caller's (the page's) job, because a
    test or an export may read the figures without showing them.
    """
    if not actor.has_capability(Capability.VIEW_MASH_DASHBOARD):
        raise PermissionRefused()
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    if end < start or (end - start).days > MAX_DAYS:
        raise ValueError("The range must run forwards and cover at most three years.")
    start, end = whole_periods(start, end, period)
    since, until = _bounds(start, end)
    contacts = Contact.objects.filter(received_at__gte=since, received_at__lt=until)
    starts = period_starts(start, end, period)
    board = Dashboard(period=period, start=start, end=end)
    board.rows, board.sources = _received_tables(contacts, period, starts)
    board.agencies = _agency_rows(since, until)
    _open_now(board)
    return board


def whole_periods(start: dt.date, end: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """`start` back to its period's first day, `end` on to its period's last day or today."""
    last = _next_start(period_start(end, period), period) - dt.timedelta(days=1)
    return period_start(start, period), min(last, max(end, clock.today()))


_PERIOD_FIGURES = (
    "received",
    "red",
    "amber",
    "green",
    "rated",
    "rated_in_time",
    "decided",
    "decided_in_time",
)


def _received_tables(
    contacts: QuerySet[Contact], period: str, starts: list[dt.date]
) -> tuple[list[PeriodRow], list[SourceRow]]:
    """The period rows (received, RAG mix, timeliness, outcomes) and the sources table, protected
    together: a period's received count is the total of its RAG mix, its outcomes and its sources
    column at once, so a cell withheld in one table must hold in the others (R22)."""
    by_period, outcomes = _period_counts(contacts, period)
    sources = _source_counts(contacts, period)
    empty = dict.fromkeys(_PERIOD_FIGURES, 0)
    rag_keys = [*Rag.values, NOT_RATED]
    values: dict[Hashable, int] = {}
    groups: list[Group] = []
    known: list[Hashable] = []
    for start in starts:
        row = by_period.get(start, empty)
        received = ("received", start)
        values[received] = row["received"]
        rag_values = [row["red"], row["amber"], row["green"]]
        rag_values.append(row["received"] - sum(rag_values))
        values.update({("rag", start, k): v for k, v in zip(rag_keys, rag_values, strict=True)})
        groups.append(Group(received, tuple(("rag", start, k) for k in rag_keys)))
        # Contacts not yet decided are not a column, but a reader can often tell how many there
        # are (none, for a period long past), so outcomes are protected as if they added up.
        values.update({("outcome", start, k): outcomes[start].get(k, 0) for k in Outcome.values})
        undecided = ("undecided", start)
        values[undecided] = row["received"] - sum(outcomes[start].values())
        known.append(undecided)
        groups.append(Group(received, (*(("outcome", start, k) for k in Outcome.values), undecided)))
        values.update({("source", code, start): sources[code].get(start, 0) for code in sources})
        groups.append(Group(received, tuple(("source", code, start) for code in sorted(sources))))
    for code in sorted(sources):
        values[("source_total", code)] = sum(sources[code].values())
        groups.append(Group(("source_total", code), tuple(("source", code, start) for start in starts)))
    cells = protect(values, groups, known)

    rows = []
    for start in starts:
        row = by_period.get(start, empty)
        rows.append(
            PeriodRow(
                start=start,
                label=period_label(start, period),
                received=cells[("received", start)],
                rag={k: cells[("rag", start, k)] for k in rag_keys},
                rated_in_time=Rate(row["rated_in_time"], row["rated"]),
                decided_in_time=Rate(row["decided_in_time"], row["decided"]),
                outcomes={k: cells[("outcome", start, k)] for k in Outcome.values},
            )
        )
    labels = _source_labels(sources)
    source_rows = [
        SourceRow(
            code=code,
            label=labels.get(code, code),
            cells=[cells[("source", code, start)] for start in starts],
            total=cells[("source_total", code)],
        )
        for code in sorted(sources)
    ]
    return rows, source_rows


def _period_counts(
    contacts: QuerySet[Contact], period: str
) -> tuple[dict[dt.date, dict[str, Any]], dict[dt.date, dict[str, int]]]:
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
    return by_period, outcomes


def _source_counts(contacts: QuerySet[Contact], period: str) -> dict[str, dict[dt.date, int]]:
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in (
        contacts.annotate(period=_trunc(period, "received_at"))
        .values("period", "referral_source")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["referral_source"]][row["period"]] = row["n"]
    return counts


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
    values: dict[Hashable, int] = {}
    for k in keys:
        values[("open", k)] = counts.get(k, {}).get("open", 0)
        values[("overdue", k)] = counts.get(k, {}).get("overdue", 0)
    values["open"] = sum(values[("open", k)] for k in keys)
    values["overdue"] = sum(values[("overdue", k)] for k in keys)
    groups = [Group(column, tuple((column, k) for k in keys)) for column in ("open", "overdue")]
    cells = protect(values, groups)
    board.open_now = [
        OpenRow(rag=k or NOT_RATED, label=label, open=cells[("open", k)], overdue=cells[("overdue", k)])
        for k, label in zip(keys, labels, strict=True)
    ]
    board.open_total = cells["open"]
    board.overdue_total = cells["overdue"]
