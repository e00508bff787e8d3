"""The demo city's children in care stories (issue 6): what happens to each child, and when.

`SLOTS` is the order the stories are built in, the most telling first. A story schedules its
events on a `Timeline` (`looked_after_routine`) and runs them in date order, so each service sees
the record as it stood that day. All the words are invented.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from safehub.looked_after.constants import HouseholdKind
from safehub.looked_after.models import LookedAfterPeriod
from safehub.looked_after.services.health import conviction_record, sdq_record, substance_misuse_record
from safehub.looked_after.services.missing import missing_record, missing_update, uasc_record
from safehub.looked_after.services.permanence import (
    sibling_decision_record,
)
from safehub.looked_after.services.placement_request import placement_request_close, placement_request_create

from . import looked_after_leavers as leavers
from .looked_after_permanence_stories import (
    adopted,
    placed_for_adoption,
    previous_permanence,
    special_guardianship,
)
from .looked_after_routine import Timeline, routine

if TYPE_CHECKING:
    from .looked_after_office import CareOffice

FOSTER = HouseholdKind.MAINSTREAM_FOSTER
CHILDRENS_HOME = "Hillcrest House (an invented children's home)"


# --- the stories ----------------------------------------------------------------------------------
def s20_new(office: "CareOffice", worker: str) -> None:
    """Accommodated under section 20 seven weeks ago; a long-term family is being looked for."""
    start = office.wd(office.rng.randint(30, 38))
    child = office.pick(5, 15, born_by=start)
    period = office.start(
        child, start, "V2", "U6", worker=worker, need="N2", household=office.home(FOSTER, child, start)
    )
    line = Timeline(office.today)
    routine(office, line, period)
    line.at(
        office.after(start, 8),
        request,
        office,
        period,
        FOSTER,
        office.after(start, 8),
        needs="A long-term family near the child's school.",
    )
    line.run()


def review_overdue(office: "CareOffice", worker: str) -> None:
    """Section 20 for five and a half months: the first review held, the second overdue."""
    start = office.months_ago(5.5)
    child = office.pick(3, 14, born_by=start)
    period = office.start(
        child, start, "V2", "U6", worker=worker, household=office.home(FOSTER, child, start)
    )
    line = Timeline(office.today)
    routine(office, line, period, reviews_stop=office.after(start, 20))
    line.run()


def interim_order(office: "CareOffice", worker: str) -> None:
    """Section 20, then an interim care order; a planned move to a family found through a request."""
    start, order, moved = office.months_ago(9), office.months_ago(6.5), office.months_ago(4)
    child = office.pick(2, 12, born_by=start)
    first = office.home(FOSTER, child, start)
    period = office.start(child, start, "V2", "U6", worker=worker, household=first)
    second = office.home(FOSTER, child, moved, skip=_keys(office, first))
    line = Timeline(office.today)
    line.at(order, office.legal, period, order, "C1")
    line.at(
        office.months_ago(5), request, office, period, FOSTER, office.months_ago(5), found=(moved, second)
    )
    line.at(moved, office.move, period, moved, "CARPL", "U6", household=second)
    routine(office, line, period, [moved])
    line.run()


def full_order(office: "CareOffice", worker: str) -> None:
    """A care order two years on, in a long-term family until 18; substance misuse and a conviction."""
    start, order, moved = office.months_ago(26), office.months_ago(19), office.months_ago(17)
    child = office.pick(12, 16, born_by=start)
    first = office.home(FOSTER, child, start)
    period = office.start(child, start, "C1", "U6", worker=worker, household=first)
    second = office.home(FOSTER, child, moved, skip=_keys(office, first))
    line = Timeline(office.today)
    line.at(order, office.legal, period, order, "C2")
    line.at(moved, office.move, period, moved, "CARPL", "U4", household=second, until_18=True)
    used = office.months_ago(5)
    line.at(
        used,
        substance_misuse_record,
        actor=office.worker_of(period),
        period=period,
        identified_on=used,
        intervention_offered=True,
        intervention_received=True,
        notes="Cannabis; referred to the young people's drug service.",
    )
    convicted = office.months_ago(3)
    line.at(
        convicted,
        conviction_record,
        actor=office.worker_of(period),
        period=period,
        convicted_on=convicted,
        notes="Youth caution for criminal damage.",
    )
    routine(office, line, period, [moved], long_term_from=moved)
    line.run()


def police_protection(office: "CareOffice", worker: str) -> None:
    """Three nights in emergency foster care under police protection, then home (E4A)."""
    start = office.months_ago(4)
    child = office.pick(4, 14, born_by=start)
    period = office.start(
        child, start, "L1", "U6", worker=worker, need="N1", household=office.home(FOSTER, child, start)
    )
    ended = start + timedelta(days=3)
    line = Timeline(office.today)
    routine(office, line, period, until=ended - timedelta(days=1))
    line.at(ended, office.end, period, ended, "E4A")
    line.run()


def moves(office: "CareOffice", worker: str) -> None:
    """Three homes in a year: moved after an allegation, then the carers asked for an end because
    of the child's behaviour: a children's home out of area while a foster family is found."""
    start, alleged, ended = office.months_ago(11), office.months_ago(8), office.months_ago(5)
    child = office.pick(11, 15, born_by=start)
    first = office.home(FOSTER, child, start)
    period = office.start(child, start, "V2", "U6", worker=worker, household=first)
    second = office.home(FOSTER, child, alleged, skip=_keys(office, first))
    line = Timeline(office.today)
    line.at(alleged, office.move, period, alleged, "ALLEG", "U6", household=second)
    line.at(
        ended,
        office.move,
        period,
        ended,
        "CREQB",
        "K2",
        provider="PR4",
        urn=office.urn(),
        postcode=office.postcode(out_of_area=True),
        carer_name=CHILDRENS_HOME,
    )
    line.at(
        office.months_ago(4),
        request,
        office,
        period,
        FOSTER,
        office.months_ago(4),
        needs="A foster family experienced with teenagers, back in the city.",
    )
    routine(office, line, period, [alleged, ended])
    line.run()


def residential(office: "CareOffice", worker: str) -> None:
    """In a children's home out of area; missing three times: one interview held, one declined,
    the last return this week with no interview offered yet."""
    start, order, moved = office.months_ago(15), office.months_ago(10), office.months_ago(7)
    child = office.pick(13, 16, born_by=start)
    period = office.start(
        child, start, "C1", "U6", worker=worker, household=office.home(FOSTER, child, start)
    )
    line = Timeline(office.today)
    line.at(order, office.legal, period, order, "C2")
    line.at(
        moved,
        office.move,
        period,
        moved,
        "CREQB",
        "K2",
        provider="PR5",
        urn=office.urn(),
        postcode=office.postcode(out_of_area=True),
        carer_name=CHILDRENS_HOME,
    )
    actor = office.worker_of(period)
    for went, kind, offered, accepted in (
        (office.months_ago(5), "M", 1, True),
        (office.months_ago(2), "A", 2, False),
        (office.today - timedelta(days=3), "M", None, None),
    ):
        line.at(went, _missing, actor, period, went, kind, offered, accepted)
    sdq = office.months_ago(6)
    line.at(sdq, sdq_record, actor=actor, period=period, recorded_on=sdq, reason="SDQ5")
    routine(office, line, period, [moved])
    line.run()


def _missing(
    actor: Any, period: LookedAfterPeriod, went: date, kind: str, offered: int | None, accepted: bool | None
) -> None:
    back = went + timedelta(days=1)
    episode = missing_record(
        actor=actor,
        period=period,
        kind=kind,
        started_on=went,
        ended_on=back,
        notes="Found by police at a friend's address." if kind == "M" else "Known to be with a friend.",
    )
    if offered is None:
        return
    offered_on = back + timedelta(days=offered)
    missing_update(
        actor=actor,
        episode=episode,
        ended_on=back,
        interview_offered_on=offered_on,
        interview_accepted=accepted,
        interview_held_on=offered_on + timedelta(days=2) if accepted else None,
        notes=episode.notes,
        expected_version=episode.version,
    )


def temporary(office: "CareOffice", worker: str) -> None:
    """Five days with respite carers (a temporary move, T4), then back to the same family."""
    start, order, away = office.months_ago(7), office.months_ago(5), office.months_ago(3)
    child = office.pick(5, 11, born_by=start)
    home = office.home(FOSTER, child, start)
    period = office.start(child, start, "V2", "U6", worker=worker, household=home)
    back = away + timedelta(days=5)
    line = Timeline(office.today)
    line.at(order, office.legal, period, order, "C1")
    # The respite carers' postcode too: 903 rule 392b wants one for every placement.
    line.at(
        away,
        office.move,
        period,
        away,
        "OTHER",
        "T4",
        carer_name="Respite carers",
        postcode=office.postcode(),
    )
    line.at(back, office.move, period, back, "", "U6", household=home)
    routine(office, line, period, [away, back])
    line.run()


def uasc(office: "CareOffice", worker: str) -> None:
    """An unaccompanied asylum-seeking child in supported lodgings (semi-independent, H5); leave to remain granted two
    months ago, so the status ended then (DUC). No home postcode: the child had no home here, so
    the 903 has no distance for them (rule 406). Arrived seven months ago, in this collection year:
    last year's 903 would have had to give the 18th birthday as the expected DUC (rule 205B)."""
    start = office.months_ago(7)
    child = office.young_person(17 * 365 + office.rng.randint(30, 120))
    lodgings = office.households["l_town"]
    period = office.start(child, start, "V2", "H5", worker=worker, need="N8", household=lodgings, home=None)
    uasc_record(
        actor=office.worker_of(period),
        person=child,
        started_on=start,
        ceased_on=office.months_ago(2),
        notes="Refugee status granted.",
    )
    line = Timeline(office.today)
    line.at(
        office.months_ago(1),
        request,
        office,
        period,
        HouseholdKind.SUPPORTED_LODGINGS,
        office.months_ago(1),
        needs="Lodgings near the college.",
    )
    routine(office, line, period)
    line.run()


def together(office: "CareOffice", worker: str) -> None:
    """Brothers and sisters placed together with one family; a long-term home for them all sought."""
    start = office.months_ago(6)
    group = office.siblings(3, 0, 10, start)
    home = office.home(FOSTER, group[0], start, group=len(group), children=group[1:])
    periods = [office.start(c, start, "C1", "U6", worker=worker, household=home) for c in group]
    line = Timeline(office.today)
    for period, child in zip(periods, group, strict=True):
        others = [c for c in group if c != child]
        line.at(
            start,
            sibling_decision_record,
            actor=office.manager,
            period=period,
            decided_on=start,
            decision="together",
            siblings=others,
            reason="They are close and want to stay together; one family can take them all.",
        )
        routine(office, line, period)
    line.at(
        office.months_ago(2),
        request,
        office,
        periods[0],
        FOSTER,
        office.months_ago(2),
        size=len(group),
        needs="A long-term family for the brothers and sisters together.",
    )
    line.run()


def apart(office: "CareOffice", worker: str) -> None:
    """A brother and sister placed apart (no family could take both), weekly contact, reunion sought."""
    start = office.months_ago(5)
    group = office.siblings(2, 3, 14, start)
    first = office.home(FOSTER, group[0], start)
    homes = [first, office.home(FOSTER, group[1], start, skip=_keys(office, first))]
    periods = [
        office.start(c, start, "C1", "U6", worker=worker, household=h)
        for c, h in zip(group, homes, strict=True)
    ]
    line = Timeline(office.today)
    for period, child in zip(periods, group, strict=True):
        other = [c for c in group if c != child]
        line.at(
            start,
            sibling_decision_record,
            actor=office.manager,
            period=period,
            decided_on=start,
            decision="apart",
            siblings=other,
            reason="No family could take both on the day; they see each other every week.",
        )
        routine(office, line, period)
    line.at(
        office.months_ago(1),
        request,
        office,
        periods[0],
        FOSTER,
        office.months_ago(1),
        size=2,
        distance=20,
        needs="A family for both, to reunite them.",
    )
    line.run()


def visit_overdue(office: "CareOffice", worker: str) -> None:
    """A care order; the last regulation 28 visit nine weeks ago (overdue)."""
    start, order = office.months_ago(16), office.months_ago(12)
    child = office.pick(4, 14, born_by=start)
    period = office.start(
        child, start, "C1", "U4", worker=worker, household=office.home(FOSTER, child, start)
    )
    line = Timeline(office.today)
    line.at(order, office.legal, period, order, "C2")
    routine(office, line, period, visits_stop=office.today - timedelta(days=63))
    line.run()


def connected(office: "CareOffice", worker: str) -> None:
    """With an aunt, approved as a connected person, under an interim care order."""
    start = office.months_ago(3)
    child = office.pick(0, 10, born_by=start)
    period = office.start(child, start, "C1", "U3", worker=worker, household=office.households["c_aunt"])
    line = Timeline(office.today)
    routine(office, line, period)
    line.run()


def request(
    office: "CareOffice",
    period: LookedAfterPeriod,
    kind: str,
    on: date,
    *,
    size: int = 1,
    distance: int | None = None,
    needs: str = "",
    found: tuple[date, Any] | None = None,
) -> None:
    """A request to the placements team (the "needing a home" side of the sufficiency view),
    still open, or closed when a family was `found` (on that day, that household)."""
    office.requests += 1
    worker = office.worker_of(period)
    made = placement_request_create(
        actor=worker,
        period=office.fresh(period),
        requested_on=on,
        household_kind=kind,
        sibling_group_size=size,
        max_distance_miles=distance,
        needs=needs,
    )
    if found is not None:
        placement_request_close(
            actor=worker,
            request=made,
            status="found",
            closed_on=found[0],
            household=found[1],
            expected_version=made.version,
        )


def _keys(office: "CareOffice", *households: Any) -> set[str]:
    return {k for k, h in office.households.items() if any(h.pk == o.pk for o in households)}


# --- one slot ----------------------------------------------------------------------------------------
Story = Callable[["CareOffice", str], None]


@dataclass(frozen=True)
class Slot:
    story: Story
    worker: str = "sw1"


SLOTS = (
    Slot(together),
    Slot(apart, "sw2"),
    Slot(s20_new),
    Slot(interim_order),
    Slot(placed_for_adoption, "sw2"),
    Slot(adopted, "sw2"),
    Slot(police_protection, "sw2"),
    Slot(special_guardianship, "sw2"),
    Slot(moves),
    Slot(residential),
    Slot(full_order),
    Slot(uasc, "sw2"),
    Slot(temporary, "sw2"),
    Slot(review_overdue, "sw2"),
    Slot(visit_overdue),
    Slot(previous_permanence),
    Slot(connected, "sw2"),
)


def fill(office: "CareOffice", slot: Slot) -> None:
    slot.story(office, slot.worker)


def households(office: "CareOffice") -> None:
    leavers.households(office)


def care_leavers(office: "CareOffice") -> None:
    leavers.care_leavers(office)
