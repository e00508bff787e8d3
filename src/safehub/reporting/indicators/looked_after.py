"""The children-looked-after indicators, as the DfE release "Children looked after in England
including adoptions" defines them (ADR 0009), read from the record behind the SSDA903.

Every definition reads its rows for the whole year in a few queries and sorts them out in Python,
so a city of 50,000 children costs the same number of queries as a test population. The release
leaves out children looked after under an agreed series of short breaks (903 legal status V3, V4)
unless it says otherwise; so do these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import OuterRef, Prefetch, Q, Subquery

from safehub.casework.timescales import add_months
from safehub.looked_after.constants import (
    ADOPTED_REASONS,
    ADOPTION_PLACEMENTS,
    TEMPORARY_PLACEMENTS,
    LeaverCategory,
)
from safehub.looked_after.leaver_clocks import birthday
from safehub.looked_after.models import (
    CareLeaver,
    CareLeaverContact,
    LegalStatus,
    LookedAfterPeriod,
    Placement,
    UascStatus,
)
from safehub.looked_after.selectors.leavers import oc3_row

from .base import Counted, Indicator, Kind, Period, register

# 903 LS V3, V4: an agreed series of short breaks. V1 is no longer a 903 code (the 903.ls list
# holds none), so there is nothing of it to leave out.
SHORT_BREAKS = frozenset({"V3", "V4"})
LEAVER_AGES = (19, 20, 21)
# 903 IN_TOUCH answers the release leaves out of the care leaver figures: the young person died,
# or went home to parents for six months or more.
LEAVER_EXCLUDED = frozenset({"DIED", "RHOM"})
IN_TOUCH = "YES"
STABILITY_UNDER_AGE = 16
STABILITY_CARE_MONTHS = 30  # looked after continuously for 2.5 years
STABILITY_PLACEMENT_MONTHS = 24  # in the same placement for 2 years
UASC_UNTIL_MONTHS = 18 * 12  # 903 DUC: a UASC stays one to the 18th birthday


# --- shared reads ---------------------------------------------------------------------------


class _InCare(NamedTuple):
    person: UUID
    started_on: date  # the period of care's start
    born_on: date | None


def _looked_after_on(day: date) -> dict[Any, _InCare]:
    """The periods of care running on `day` (started on or before it, not ended on or before
    it), except those whose legal status that day is a short break, by period id."""
    status_then = Subquery(
        LegalStatus.objects.filter(period=OuterRef("pk"), started_on__lte=day)
        .order_by("-started_on", "-created_at")
        .values("code")[:1]
    )
    rows = (
        LookedAfterPeriod.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)
        .annotate(status_then=status_then)
        .values_list("pk", "person_id", "started_on", "person__date_of_birth", "status_then")
    )
    return {
        pk: _InCare(person, started, born)
        for pk, person, started, born, status in rows
        if status not in SHORT_BREAKS
    }


@dataclass
class _Spell:
    """One stay with the same carers: placements chained by a move to the same carers."""

    started_on: date
    ended_on: date | None
    placement_type: str  # of its first placement


def _spells_of_periods_in(period: Period) -> dict[Any, tuple[UUID, list[_Spell]]]:
    """The carer spells of every period of care running at some time in the year, oldest first:
    period id -> (child, spells).

    A placement is the carers the child lives with, as the release counts placements:
    - a temporary placement (903 PLACE T0-T4: hospital, holiday, respite of 7 days or less) is
      not a placement; the stay it interrupts goes on;
    - a move to the same carers (903 RNE T or U: `same_carers`, or the same carer household as
      the placement before a temporary one) continues the stay;
    - a placement made under a short-break legal status (V3, V4, in force on its first day) is
      not counted;
    - a placement never runs past the end of its period of care.
    """
    in_year = Q(period__started_on__lte=period.end) & (
        Q(period__ended_on__isnull=True) | Q(period__ended_on__gte=period.start)
    )
    statuses: dict[Any, list[tuple[date, str]]] = defaultdict(list)
    for period_id, started, code in (
        LegalStatus.objects.filter(in_year)
        .order_by("period_id", "started_on", "created_at")
        .values_list("period_id", "started_on", "code")
    ):
        statuses[period_id].append((started, code))
    spells: dict[Any, tuple[UUID, list[_Spell]]] = {}
    last_household: dict[Any, Any] = {}
    rows = (
        Placement.objects.filter(in_year)
        .order_by("period_id", "started_on", "created_at")
        .values_list(
            "period_id",
            "person_id",
            "started_on",
            "ended_on",
            "placement_type",
            "same_carers",
            "household_id",
            "period__ended_on",
        )
    )
    for period_id, person, started, ended, kind, same_carers, household, care_ended in rows:
        if care_ended is not None and (ended is None or ended > care_ended):
            ended = care_ended
        if kind in TEMPORARY_PLACEMENTS or _status_on(statuses[period_id], started) in SHORT_BREAKS:
            continue
        _, chain = spells.setdefault(period_id, (person, []))
        continues = bool(chain) and (
            same_carers or (household is not None and household == last_household.get(period_id))
        )
        if continues:
            chain[-1].ended_on = ended
        else:
            chain.append(_Spell(started, ended, kind))
        last_household[period_id] = household
    return spells


def _status_on(statuses: list[tuple[date, str]], day: date) -> str:
    code = ""
    for started, status in statuses:
        if started <= day:
            code = status
    return code


def _children(periods: Iterable[_InCare]) -> dict[UUID, UUID]:
    return {row.person: row.person for row in periods}


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# --- the definitions ------------------------------------------------------------------------


def cla_at_31_march(period: Period) -> Counted:
    return Counted(numerator=_children(_looked_after_on(period.end).values()))


def cla_3_plus_placements(period: Period) -> Counted:
    looked_after = _children(_looked_after_on(period.end).values())
    placements: dict[UUID, int] = defaultdict(int)
    for person, chain in _spells_of_periods_in(period).values():
        placements[person] += sum(
            1
            for spell in chain
            if spell.started_on <= period.end and (spell.ended_on is None or spell.ended_on >= period.start)
        )
    return Counted(
        numerator={child: child for child in looked_after if placements[child] >= 3},
        denominator=looked_after,
    )


def care_leavers_in_touch(period: Period) -> Counted:
    # Born so that a 19th, 20th or 21st birthday can fall in the year; the birthday decides.
    born_from = add_months(period.start, -12 * (max(LEAVER_AGES) + 1))
    born_by = add_months(period.end, -12 * min(LEAVER_AGES))
    records = (
        CareLeaver.objects.filter(
            person__date_of_birth__gte=born_from,
            person__date_of_birth__lte=born_by,
            person__merged_into__isnull=True,
        )
        .select_related("person")
        .prefetch_related(Prefetch("contacts", queryset=CareLeaverContact.objects.order_by("contact_on")))
        .order_by("person_id", "-started_on", "-created_at")
    )
    latest: dict[UUID, CareLeaver] = {}
    for record in records:
        latest.setdefault(record.person_id, record)
    cohort: dict[UUID, UUID] = {}
    in_touch: dict[UUID, UUID] = {}
    for person_id, record in latest.items():
        dob = record.person.date_of_birth
        assert dob is not None  # the filter on the date of birth
        days = [birthday(dob, age) for age in LEAVER_AGES if birthday(dob, age) in period]
        if not days or record.category == LeaverCategory.QUALIFYING:
            continue
        died = record.person.date_of_death
        answer = (oc3_row(record, period.end) or {}).get("IN_TOUCH", "")
        if answer in LEAVER_EXCLUDED or (died is not None and died <= days[0]):
            continue
        cohort[person_id] = person_id
        if answer == IN_TOUCH:
            in_touch[person_id] = person_id
    return Counted(numerator=in_touch, denominator=cohort)


def adoptions(period: Period) -> Counted:
    rows = LookedAfterPeriod.objects.filter(
        ended_on__gte=period.start, ended_on__lte=period.end, end_reason__in=ADOPTED_REASONS
    ).values_list("person_id", flat=True)
    return Counted(numerator={person: person for person in rows})


def cla_uasc_at_31_march(period: Period) -> Counted:
    looked_after = _children(_looked_after_on(period.end).values())
    uasc = {}
    for person, ceased, dob in UascStatus.objects.filter(started_on__lte=period.end).values_list(
        "person_id", "ceased_on", "person__date_of_birth"
    ):
        ends = add_months(dob, UASC_UNTIL_MONTHS) if dob is not None else ceased
        if person in looked_after and (ends is None or ends > period.end):
            uasc[person] = person
    return Counted(numerator=uasc)


def cla_long_term_stability(period: Period) -> Counted:
    care_from = add_months(period.end, -STABILITY_CARE_MONTHS)
    placed_from = add_months(period.end, -STABILITY_PLACEMENT_MONTHS)
    looked_after = _looked_after_on(period.end)
    spells = _spells_of_periods_in(period)
    denominator: dict[UUID, UUID] = {}
    numerator: dict[UUID, UUID] = {}
    for period_id, (person, started, dob) in looked_after.items():
        if started > care_from or dob is None or _age_on(dob, period.end) >= STABILITY_UNDER_AGE:
            continue
        denominator[person] = person
        chain = [s for s in spells.get(period_id, (person, []))[1] if s.started_on <= period.end]
        if not chain:
            continue
        since = chain[-1].started_on
        if chain[-1].placement_type in ADOPTION_PLACEMENTS and len(chain) > 1:
            since = chain[-2].started_on
        if since <= placed_from:
            numerator[person] = person
    return Counted(numerator=numerator, denominator=denominator)


SHORT_BREAK_RULE = (
    "Children looked after under an agreed series of short breaks (903 legal status V3 or V4 in "
    "force on 31 March) are left out, as the release leaves them out."
)
LOOKED_AFTER_RULE = (
    "A child is looked after at 31 March when a period of care started on or before 31 March and "
    "had not ended on or before it: a period ending on 31 March is not counted, one starting on "
    "31 March is. " + SHORT_BREAK_RULE + " Each child counts once."
)
PLACEMENT_RULE = (
    "A placement is a stay with the same carers: a temporary placement (903 PLACE T0-T4) is not "
    "one, a move to the same carers (903 RNE T or U, or back to the same carer household after a "
    "temporary placement) continues the stay, and placements made under a short-break legal "
    "status (V3, V4) are not counted. A change of legal status alone is not a move."
)

register(
    Indicator(
        id="cla_at_31_march",
        title="Children looked after at 31 March",
        kind=Kind.COUNT,
        period="at 31 March",
        population="Children looked after by the council",
        source="looked_after.LookedAfterPeriod, looked_after.LegalStatus",
        formula=LOOKED_AFTER_RULE
        + " V1 is not a current 903 legal status, so Safehub holds none to leave out.",
        members=cla_at_31_march,
    )
)

register(
    Indicator(
        id="cla_per_10000",
        title="Children looked after at 31 March per 10,000 children",
        kind=Kind.RATE,
        period="at 31 March",
        population="Children looked after at 31 March, per 10,000 children under 18 (ONS mid-year estimate)",
        source="looked_after.LookedAfterPeriod, looked_after.LegalStatus; the population estimate",
        formula="cla_at_31_march x 10,000 / the ONS under-18 population for the year, to one decimal "
        "place; no data without a population.",
        rate_of="cla_at_31_march",
    )
)

register(
    Indicator(
        id="cla_3_plus_placements_pct",
        title="Children looked after at 31 March with three or more placements during the year",
        kind=Kind.PERCENT,
        period="the collection year",
        population="Children looked after at 31 March",
        source="looked_after.LookedAfterPeriod, looked_after.LegalStatus, looked_after.Placement",
        formula="Denominator: children looked after at 31 March (cla_at_31_march). Numerator: of "
        "those, children with three or more placements during the year, counted per child across "
        "every period of care in the year. A placement counts when it was current at any time in "
        "the year: started on or before 31 March and ended on or after 1 April or still open (one "
        "that ended on 1 April, the day of a move, is in the year, as the 903 counts episodes). "
        + PLACEMENT_RULE,
        members=cla_3_plus_placements,
    )
)

register(
    Indicator(
        id="care_leavers_in_touch_pct",
        title="Care leavers aged 19 to 21 the council was in touch with",
        kind=Kind.PERCENT,
        period="the collection year",
        population="Care leavers whose 19th, 20th or 21st birthday fell in the year",
        source="looked_after.CareLeaver, looked_after.CareLeaverContact, people.Person",
        formula="Denominator: young people with a care leaver record whose 19th, 20th or 21st "
        "birthday fell in the year (1 April to 31 March, both included; a 29 February birthday "
        "falls on 28 February in a common year). Their latest record answers. Left out: qualifying "
        "care leavers (not in the 903 OC3 cohort), and, as the release leaves them out, those who "
        "died on or before the birthday or whose answer is DIED or RHOM (returned home for six "
        "months or more). Numerator: those whose 903 IN_TOUCH answer for the birthday is YES. The "
        "answer is the contact from 3 months before to 1 month after the birthday nearest to it "
        "(the later on a tie), as the 903 OC3 takes it; no contact in that window is not in touch, "
        "and REFU, NREQ and NO are not in touch.",
        members=care_leavers_in_touch,
    )
)

register(
    Indicator(
        id="adoptions",
        title="Children who left care by adoption",
        kind=Kind.COUNT,
        period="the collection year",
        population="Children looked after who were adopted",
        source="looked_after.LookedAfterPeriod",
        formula="Children whose period of care ended in the year (1 April to 31 March, both "
        "included) with the 903 reason E11 (adopted, unopposed) or E12 (adopted, consent "
        "dispensed with). Each child counts once.",
        members=adoptions,
    )
)

register(
    Indicator(
        id="cla_uasc_at_31_march",
        title="Unaccompanied asylum-seeking children looked after at 31 March",
        kind=Kind.COUNT,
        period="at 31 March",
        population="Children looked after at 31 March who are unaccompanied asylum-seeking children",
        source="looked_after.LookedAfterPeriod, looked_after.LegalStatus, looked_after.UascStatus, "
        "people.Person",
        formula="Of the children looked after at 31 March (cla_at_31_march), those with a UASC "
        "status that started on or before 31 March and had not ceased by it. As in the 903, a "
        "child stays a UASC until the 18th birthday (DUC) whatever happens to the asylum claim, so "
        "a recorded grant of leave does not end it; only without a date of birth does the "
        "recorded end of the status (ceased on or before 31 March) take the child out.",
        members=cla_uasc_at_31_march,
    )
)

register(
    Indicator(
        id="cla_long_term_stability_pct",
        title="Children looked after for 2.5 years or more in the same placement for 2 years",
        kind=Kind.PERCENT,
        period="at 31 March",
        population="Children under 16 looked after continuously for 2.5 years or more at 31 March",
        source="looked_after.LookedAfterPeriod, looked_after.LegalStatus, looked_after.Placement, "
        "people.Person",
        formula="Denominator: children looked after at 31 March (cla_at_31_march) who were under 16 "
        "on 31 March (a child with no date of birth recorded is left out) and whose period of care had started 2.5 years or more before it (on or "
        "before 30 September three years earlier). Numerator: of those, children whose current "
        "placement had started 2 years or more before 31 March (on or before 31 March two years "
        "earlier), or who are placed for adoption (903 PLACE A3-A6) and whose placement before it, "
        "in the same period of care, started that long ago (the adoptive placement and the one "
        "before it together last 2 years). " + PLACEMENT_RULE + " A child in a temporary "
        "placement on 31 March is counted in the stay it interrupted.",
        members=cla_long_term_stability,
    )
)
