"""The routine of care in the demo city (issue 6): reviews, regulation 28 visits and health,
scheduled on a story's `Timeline` and run in date order with the rest of the story, so each
service sees the record as it stood that day and the clocks' tasks are done on time or late.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from safehub.casework.timescales import add_months
from safehub.looked_after.constants import HealthCheckKind
from safehub.looked_after.models import LookedAfterPeriod
from safehub.looked_after.services.health import health_check_record, sdq_record
from safehub.looked_after.services.review import review_record, visit_record

if TYPE_CHECKING:
    from .looked_after_office import CareOffice

VISIT_NOTES = "Saw the child at home with the carers; they showed me their room and talked about school."
REVIEW_NOTES = "The care plan was reviewed with the child, the carers and the school; actions agreed."
# Visits and health checks are recorded for about the last ten months only: the clocks run from
# the latest, and each visit costs a clock recompute, so older ones would only slow the load.
HISTORY_DAYS = 300


@dataclass
class Timeline:
    """A story's events, run in date order (same-day events in the order they were scheduled)."""

    today: date
    events: list[tuple[date, int, Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = field(
        default_factory=list
    )

    def at(self, day: date, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if day <= self.today:
            self.events.append((day, len(self.events), fn, args, kwargs))

    def run(self) -> None:
        for _day, _n, fn, args, kwargs in sorted(self.events, key=lambda e: (e[0], e[1])):
            fn(*args, **kwargs)
        self.events.clear()


# --- the routine of care: reviews, visits, health ---------------------------------------------------
def _year_end(day: date) -> date:
    """31 March that ends the collection year `day` is in."""
    return date(day.year + 1 if day.month >= 4 else day.year, 3, 31)


def _sdq_days(office: "CareOffice", started_on: date, end: date) -> list[date]:
    """The SDQs of a period of care: one two or three months in, then the council's yearly round
    early in each collection year (mid-April to late May), so each year's is done before the 903
    asks for it, even for the year still in progress."""
    days = [started_on + timedelta(days=office.rng.randint(60, 100))]
    for year in range(started_on.year, end.year + 1):
        days.append(date(year, 4, 10) + timedelta(days=office.rng.randint(0, 45)))
    return sorted(day for day in days if started_on < day <= end)


def sdqs(office: "CareOffice", period: LookedAfterPeriod, end: date) -> list[tuple[date, dict[str, Any]]]:
    """Every SDQ of the period up to `end`, with its score or reason. Not only the recent ones: 903
    OC2 asks for one in each collection year (rules 186, 197B: from the year of the 4th birthday
    to that of the 17th) and an SDQ runs no clock, so it costs the load little. A child not yet
    four who turns four before the year ends has the reason instead (SDQ1: under 4 on the day)."""
    child = period.person
    out: list[tuple[date, dict[str, Any]]] = []
    for day in _sdq_days(office, period.started_on, end):
        if 4 <= office.age(child, day) <= 17:
            out.append((day, {"score": office.rng.randint(8, 24)}))
        elif office.age(child, day) < 4 <= office.age(child, _year_end(day)):
            out.append((day, {"reason": "SDQ1"}))
    return out


def routine(
    office: "CareOffice",
    line: Timeline,
    period: LookedAfterPeriod,
    moves: Iterable[date] = (),
    *,
    until: date | None = None,
    reviews_stop: date | None = None,
    visits_stop: date | None = None,
    long_term_from: date | None = None,
) -> None:
    """Reviews on time (reg. 33), a visit within a week of each placement and about every six weeks
    (three-monthly a year into a placement meant to last: reg. 28), health assessments, dental
    checks and SDQs. `until` is the end of care; `*_stop` leave a clock running late."""
    end = min(until or office.today, office.today)
    child = period.person
    _reviews(office, line, period, min(end, reviews_stop or end))
    starts = sorted({period.started_on, *moves})
    windows = list(zip(starts, [*starts[1:], end + timedelta(days=1)], strict=True))
    worker = office.worker_of(period)
    stop = min(end, visits_stop or end)
    horizon = office.today - timedelta(days=HISTORY_DAYS)
    for begin, finish in windows:
        day = begin + timedelta(days=office.rng.randint(1, 5))
        while day < finish and day <= stop:
            if day < horizon:
                day += timedelta(days=office.rng.randint(35, 42))
                continue
            old = office.age(child, day) >= 5
            line.at(
                day,
                visit_record,
                actor=worker,
                period=period,
                visited_on=day,
                child_seen=True,
                seen_alone=old and office.rng.random() < 0.7,
                bedroom_seen=office.rng.random() < 0.6,
                summary=VISIT_NOTES,
            )
            settled = long_term_from is not None and begin >= long_term_from and day >= add_months(begin, 12)
            day += timedelta(days=office.rng.randint(70, 84) if settled else office.rng.randint(35, 42))
    _health(office, line, period, end)


def _reviews(office: "CareOffice", line: Timeline, period: LookedAfterPeriod, end: date) -> None:
    held = office.after(period.started_on, office.rng.randint(12, 18))
    gap = 3
    while held <= end:
        young = office.age(period.person, held) < 4
        participation = (
            "PN0" if young else office.rng.choice(("PN1", "PN1", "PN1", "PN2", "PN3", "PN5", "PN7"))
        )
        line.at(
            held,
            review_record,
            actor=office.iro,
            period=period,
            held_on=held,
            participation=participation,
            chair=office.iro,
            summary=REVIEW_NOTES,
        )
        held = office.working(add_months(held, gap) - timedelta(days=office.rng.randint(3, 15)))
        gap = 6


def _health(office: "CareOffice", line: Timeline, period: LookedAfterPeriod, end: date) -> None:
    worker = office.worker_of(period)
    child = period.person
    day, kind = (
        office.after(period.started_on, office.rng.randint(8, 18)),
        HealthCheckKind.INITIAL_HEALTH_ASSESSMENT,
    )
    horizon = office.today - timedelta(days=HISTORY_DAYS)
    while day <= end:
        if kind == HealthCheckKind.REVIEW_HEALTH_ASSESSMENT and day < horizon:
            day = add_months(day, 6)
            continue
        line.at(day, health_check_record, actor=worker, period=period, kind=kind, done_on=day)
        if kind == HealthCheckKind.INITIAL_HEALTH_ASSESSMENT:
            line.at(
                day,
                health_check_record,
                actor=worker,
                period=period,
                kind=HealthCheckKind.IMMUNISATIONS,
                done_on=day,
            )
        kind = HealthCheckKind.REVIEW_HEALTH_ASSESSMENT
        months = 6 if office.age(child, day) < 5 else 12
        day = add_months(day, months) - timedelta(days=office.rng.randint(5, 20))
    dental = period.started_on + timedelta(days=office.rng.randint(40, 90))
    while dental <= end:
        if dental >= horizon:
            line.at(
                dental,
                health_check_record,
                actor=worker,
                period=period,
                kind=HealthCheckKind.DENTAL,
                done_on=dental,
            )
        dental = add_months(dental, 11) + timedelta(days=office.rng.randint(0, 20))
    for sdq, fields in sdqs(office, period, end):
        line.at(sdq, sdq_record, actor=worker, period=period, recorded_on=sdq, **fields)
