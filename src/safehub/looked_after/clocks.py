"""The children in care clocks (issue 6, item 2; R52).

One pure function, `period_tasks`, reads a period's own rows and says which clock tasks should be
open now and when each is due. Every service that writes under a period calls `period_clocks_sync`
at the end of its transaction; it hands that list to casework's `tasks_sync`, marking `done` what
the service just recorded. `clocks_recompute_all` runs the same for every open period when the
working calendar or a local timescale changes.

Every timescale here is statutory, so none is a local setting:
- looked-after reviews (Care Planning, Placement and Case Review (England) Regulations 2010,
  reg. 33): the first within 20 working days of entry, the second within 3 months of the first,
  later ones within 6 months of the last;
- visits to the child in placement (reg. 28): within 1 week of the placement starting, then at
  most every 6 weeks in its first year; after that every 3 months when the placement is intended
  to last until the child is 18, else every 6 weeks still. "The placement" is a visiting regime
  (`visit_regime`): a move with the same carers (903 RNE T/U) continues it, so the first year counts
  from the earliest of those placements; a temporary placement (T0-T4: hospital, holiday, respite of
  7 days or less) starts none, and coming back from one to the carers before it continues theirs;
- placements for adoption (A3-A6; Adoption Agencies Regulations 2005, reg. 36): a visit within
  1 week of the placement, then at least weekly until the first adoption review. Safehub does not
  record adoption reviews apart from looked-after ones, so it asks for weekly visits for as long as
  the child is placed for adoption (a simplification that errs towards visiting more);
- short breaks (legal status V3/V4, reg. 48 modifications) are not modelled yet: such a child gets
  the ordinary reg. 28 clock (a follow-up);
- health assessments (reg. 7 and Promoting the health and wellbeing of looked-after children,
  2015): the initial one within 20 working days of entry, then a review every 6 months for a
  child under 5 and every 12 months from 5;
- dental checks (the same guidance): every 12 months, the first 12 months after entry;
- return home interview (Children who run away or go missing from home or care, 2014): offered
  within 72 hours of the child's return.
"""

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects

from safehub.casework.services.tasks import TaskSpec, TaskSync, tasks_sync, tasks_sync_many
from safehub.casework.timescales import add_months
from safehub.platform.calendar import WorkingCalendar, calendar

from .constants import ADOPTION_PLACEMENTS, TEMPORARY_PLACEMENTS, Clock, HealthCheckKind
from .models import (
    HealthCheck,
    LookedAfterPeriod,
    LookedAfterReview,
    MissingEpisode,
    Placement,
    PlacementVisit,
)

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
FIRST_VISIT_DAYS = 7
VISIT_WEEKS = 6
SETTLED_VISIT_MONTHS = 3
ADOPTION_VISIT_DAYS = 7
INITIAL_HEALTH_WORKING_DAYS = 20
HEALTH_REVIEW_MONTHS_UNDER_5 = 6
HEALTH_REVIEW_MONTHS_FROM_5 = 12
DENTAL_MONTHS = 12
RETURN_INTERVIEW_DAYS = 3

LEFT_CARE = "The child left care."
NO_LONGER_NEEDED = "No longer needed."

HEALTH_ASSESSMENT_KINDS = frozenset(
    {HealthCheckKind.INITIAL_HEALTH_ASSESSMENT, HealthCheckKind.REVIEW_HEALTH_ASSESSMENT}
)

# What `clocks_recompute_all` prefetches: everything `period_tasks` reads, in a fixed number of queries.
PREFETCH = ("reviews", "visits", "placements", "health_checks", "missing_episodes")


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day` (a 29 February birthday turns over on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class Rows:
    """A period's rows, read once (from the prefetch cache when there is one)."""

    reviews: list[LookedAfterReview]
    visits: list[PlacementVisit]
    placements: list[Placement]
    health_checks: list[HealthCheck]
    missing: list[MissingEpisode]

    @classmethod
    def of(cls, period: LookedAfterPeriod) -> "Rows":
        return cls(
            reviews=sorted(period.reviews.all(), key=lambda r: r.held_on),
            visits=list(period.visits.all()),
            placements=list(period.placements.all()),
            health_checks=list(period.health_checks.all()),
            missing=list(period.missing_episodes.all()),
        )

    @property
    def current_placement(self) -> Placement | None:
        return next((p for p in self.placements if p.ended_on is None), None)

    def last_check(self, kinds: frozenset[str]) -> date | None:
        return max((c.done_on for c in self.health_checks if c.kind in kinds), default=None)


def review_due_on(started_on: date, held: list[date], cal: WorkingCalendar) -> tuple[date, str]:
    """When the next looked-after review is due, and why (reg. 33)."""
    if not held:
        return (
            cal.add_working_days(started_on, FIRST_REVIEW_WORKING_DAYS),
            "Care Planning Regulations 2010, reg. 33: first review within 20 working days of entry",
        )
    if len(held) == 1:
        return (
            add_months(held[0], SECOND_REVIEW_MONTHS),
            "Care Planning Regulations 2010, reg. 33: second review within 3 months of the first",
        )
    return (
        add_months(max(held), LATER_REVIEW_MONTHS),
        "Care Planning Regulations 2010, reg. 33: within 6 months of the last review",
    )


def _temporary(placement: Any) -> bool:
    return placement.placement_type in TEMPORARY_PLACEMENTS


def _for_adoption(placement: Any) -> bool:
    return placement.placement_type in ADOPTION_PLACEMENTS


def _returns_to(placement: Any, before: Any) -> bool:
    """After a temporary move, is the child back with the carers of `before`?

    Our households decide it when both placements have one; otherwise the worker's "same carers"
    answer, or the same provider details typed again (type, provider, URN, postcode and carer).
    """
    if placement.household_id is not None and before.household_id is not None:
        return bool(placement.household_id == before.household_id)
    if placement.same_carers:
        return True
    fields = ("placement_type", "provider", "urn", "postcode", "carer_name")
    named = any(getattr(placement, f) for f in ("urn", "postcode", "carer_name"))
    return named and all(getattr(placement, f) == getattr(before, f) for f in fields)


@dataclass(frozen=True)
class VisitRegime:
    """The placements that count as one placement for the visit clock, earliest first, the
    current one last. Its first year runs from the first of them; visits in any of them count."""

    placements: tuple[Placement, ...]

    @property
    def started_on(self) -> date:
        return self.placements[0].started_on

    @property
    def home(self) -> Placement:
        """The placement the child normally lives in: the last one that is not temporary."""
        return next((p for p in reversed(self.placements) if not _temporary(p)), self.placements[-1])

    @property
    def intended_until_18(self) -> bool:
        return bool(self.home.intended_until_18)

    @property
    def for_adoption(self) -> bool:
        return _for_adoption(self.home)

    @property
    def ids(self) -> frozenset[Any]:
        return frozenset(p.pk for p in self.placements)


def visit_regime(placements: Sequence[Placement], current: Placement) -> VisitRegime:
    """The visiting regime `current` belongs to (reg. 28; reg. 36 for adoption).

    Walking back from `current`: a temporary placement (T0-T4) continues the one before it; a
    placement after a temporary run continues the one before the run when the child went back to
    the same carers (`_returns_to`); a move with the same carers (903 RNE T/U) continues the one
    before. A change between a placement for adoption and any other placement always starts a new
    regime: reg. 36 asks for a visit within a week of a placement for adoption even with the foster
    carers the child already lives with (A3/A5). A period that begins with a temporary placement
    has nothing to continue, so its first placement starts the regime.
    """
    order = sorted(placements, key=lambda p: p.started_on)
    j = next(i for i, p in enumerate(order) if p.pk == current.pk)
    start = j
    while start > 0:
        here, before = order[start], order[start - 1]
        if _temporary(here):
            start -= 1
            continue
        if _temporary(before):
            k = start - 1
            while k >= 0 and _temporary(order[k]):
                k -= 1
            if k >= 0 and _for_adoption(here) == _for_adoption(order[k]) and _returns_to(here, order[k]):
                start = k
                continue
            break
        if here.same_carers and _for_adoption(here) == _for_adoption(before):
            start -= 1
            continue
        break
    return VisitRegime(placements=tuple(order[start : j + 1]))


def visit_due_on(regime: VisitRegime, last_seen: date | None) -> tuple[date, str]:
    """When the next visit is due in `regime`, and why (reg. 28; reg. 36 when placed for adoption)."""
    if last_seen is None:
        if regime.for_adoption:
            return (
                regime.started_on + timedelta(days=ADOPTION_VISIT_DAYS),
                "Adoption Agencies Regulations 2005, reg. 36: within 1 week of the placement for adoption",
            )
        return (
            regime.started_on + timedelta(days=FIRST_VISIT_DAYS),
            "Care Planning Regulations 2010, reg. 28: within 1 week of the placement starting",
        )
    if regime.for_adoption:
        return (
            last_seen + timedelta(days=ADOPTION_VISIT_DAYS),
            "Adoption Agencies Regulations 2005, reg. 36: at least weekly while placed for adoption "
            "(until the first adoption review)",
        )
    if regime.intended_until_18 and last_seen > add_months(regime.started_on, 12):
        return (
            add_months(last_seen, SETTLED_VISIT_MONTHS),
            "Care Planning Regulations 2010, reg. 28: every 3 months after the first year of a "
            "placement intended to last until 18",
        )
    return (
        last_seen + timedelta(weeks=VISIT_WEEKS),
        "Care Planning Regulations 2010, reg. 28: at most 6 weeks after the last visit",
    )


def last_seen_in(regime: VisitRegime, visits: Sequence[PlacementVisit]) -> date | None:
    """The last visit in the regime where the child was seen (only those satisfy the clock)."""
    ids = regime.ids
    return max((v.visited_on for v in visits if v.placement_id in ids and v.child_seen), default=None)


def health_assessment_due_on(
    started_on: date, last: date | None, born: date | None, cal: WorkingCalendar
) -> tuple[date, str]:
    """When the next health assessment is due: the initial one, or a review (by age at the last)."""
    if last is None:
        return (
            cal.add_working_days(started_on, INITIAL_HEALTH_WORKING_DAYS),
            "Initial health assessment within 20 working days of entry",
        )
    # With no date of birth the age is unknown: the shorter interval errs towards seeing the child.
    if born is None or age_on(born, last) < 5:
        return (
            add_months(last, HEALTH_REVIEW_MONTHS_UNDER_5),
            "Review health assessment every 6 months for a child under 5",
        )
    return (
        add_months(last, HEALTH_REVIEW_MONTHS_FROM_5),
        "Review health assessment every 12 months for a child of 5 or over",
    )


def period_tasks(
    period: LookedAfterPeriod, rows: Rows | None = None, cal: WorkingCalendar | None = None
) -> list[TaskSpec]:
    """The clock tasks that should be open on `period` now, each with its due date.

    Pure: it reads the period's rows (the prefetch cache when there is one) and `cal` (the working
    calendar) and writes nothing. Nothing is open once the child has left care.
    """
    if period.ended_on is not None:
        return []
    cal = cal or calendar()
    rows = rows or Rows.of(period)
    specs: list[TaskSpec] = []

    due, basis = review_due_on(period.started_on, [r.held_on for r in rows.reviews], cal)
    specs.append(TaskSpec(key=Clock.REVIEW, title="Hold the looked-after review", due_on=due, basis=basis))

    placement = rows.current_placement
    if placement is not None:
        regime = visit_regime(rows.placements, placement)
        due, basis = visit_due_on(regime, last_seen_in(regime, rows.visits))
        specs.append(TaskSpec(key=Clock.VISIT, title="Visit the child in placement", due_on=due, basis=basis))

    last = rows.last_check(HEALTH_ASSESSMENT_KINDS)
    due, basis = health_assessment_due_on(period.started_on, last, period.person.date_of_birth, cal)
    title = (
        "Arrange the initial health assessment" if last is None else "Arrange the review health assessment"
    )
    specs.append(TaskSpec(key=Clock.HEALTH_ASSESSMENT, title=title, due_on=due, basis=basis))

    dental = rows.last_check(frozenset({HealthCheckKind.DENTAL}))
    specs.append(
        TaskSpec(
            key=Clock.DENTAL,
            title="Arrange a dental check",
            due_on=add_months(dental or period.started_on, DENTAL_MONTHS),
            basis="A dental check every 12 months"
            + (" (the first 12 months after entry)" if dental is None else ""),
        )
    )

    returned = [m.ended_on for m in rows.missing if m.ended_on is not None and m.interview_offered_on is None]
    if returned:
        specs.append(
            TaskSpec(
                key=Clock.RETURN_INTERVIEW,
                title="Offer a return home interview",
                due_on=min(returned) + timedelta(days=RETURN_INTERVIEW_DAYS),
                basis="Statutory guidance on children who go missing: offer within 72 hours of return",
            )
        )
    return specs


def _fresh_copy(period: LookedAfterPeriod) -> LookedAfterPeriod:
    """The period as the caller holds it, with its rows read afresh in one prefetch each.

    A service has just written rows, so a prefetch cache on the caller's instance may be stale;
    the copy gets its own, and the caller's instance is left as it was.
    """
    # Read afresh in place: an involvement loaded before an allocation would give new tasks no assignee.
    period.involvement.refresh_from_db()
    fresh = copy.copy(period)
    fresh._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    prefetch_related_objects([fresh], *PREFETCH)
    return fresh


def _sync(
    period: LookedAfterPeriod, *, cal: WorkingCalendar, done: Mapping[str, date] | None, done_by: Any
) -> None:
    tasks_sync(
        involvement=period.involvement,
        specs=period_tasks(period, cal=cal),
        done=done,
        done_by=done_by,
        cancel_reason=LEFT_CARE if period.ended_on is not None else NO_LONGER_NEEDED,
    )


def period_clocks_sync(
    *, period: LookedAfterPeriod, done: Mapping[str, date] | None = None, done_by: Any = None
) -> None:
    """Bring the period's clock tasks in step with its record (called at the end of every write).

    `done` names the clocks whose task the service just satisfied, with the date it was done (a
    review held on 3 March → `{"la.review": date(2026, 3, 3)}`); that task is marked done on that
    date and, as every clock here runs on, the next one opens. No policy check: the caller has
    made it. A period that has ended has no clocks: its open tasks are cancelled.
    """
    with transaction.atomic():
        _sync(_fresh_copy(period), cal=calendar(), done=done, done_by=done_by)


def period_clocks_sync_many(period_ids: Iterable[Any]) -> int:
    """`period_clocks_sync` for many periods at once, as a bulk load (the SSD import) needs: the
    open ones are read with their rows in one prefetch per slice and their tasks written in bulk
    (`tasks_sync_many`); an ended one just has any clock task still open cancelled, which also
    covers a period an import re-run has ended. Returns how many periods were synced.

    Call it inside a transaction. No policy check: the caller has made it.
    """
    cal = calendar()
    ids = list(dict.fromkeys(period_ids))
    count = 0
    for start in range(0, len(ids), _MANY_SLICE):
        chunk = ids[start : start + _MANY_SLICE]
        items = [
            TaskSync(period.involvement, period_tasks(period, cal=cal), cancel_reason=NO_LONGER_NEEDED)
            for period in LookedAfterPeriod.objects.filter(pk__in=chunk, ended_on__isnull=True)
            .select_related("involvement", "person")
            .prefetch_related(*PREFETCH)
        ]
        items.extend(
            TaskSync(period.involvement, [], cancel_reason=LEFT_CARE)
            for period in LookedAfterPeriod.objects.filter(
                pk__in=chunk, ended_on__isnull=False
            ).select_related("involvement")
        )
        tasks_sync_many(items)
        count += len(items)
    return count


# Periods `period_clocks_sync_many` reads at a time (each IN list well under SQLite's limit).
_MANY_SLICE = 500


def clocks_recompute_all() -> int:
    """Recompute every open period's clock tasks (after a calendar or timescale change).

    The calendar is read once; each period's rows come from a prefetch in chunks, so the query
    count does not grow with the number of rows. Returns how many periods were recomputed.
    """
    cal = calendar()
    count = 0
    periods = (
        LookedAfterPeriod.objects.filter(ended_on__isnull=True)
        .select_related("involvement", "person")
        .prefetch_related(*PREFETCH)
        .order_by("pk")
    )
    for period in periods.iterator(chunk_size=500):
        with transaction.atomic():
            _sync(period, cal=cal, done=None, done_by=None)
        count += 1
    return count


__all__ = [
    "PREFETCH",
    "Rows",
    "VisitRegime",
    "age_on",
    "clocks_recompute_all",
    "health_assessment_due_on",
    "last_seen_in",
    "period_clocks_sync",
    "period_clocks_sync_many",
    "period_tasks",
    "review_due_on",
    "visit_due_on",
    "visit_regime",
]
