"""Children in need and child protection indicators, as the DfE's "Characteristics of children in
need" release defines them from the CIN census (ADR 0009, decision 3).

Each definition reads its records for the whole year in one or two queries and sorts them in
Python, so a city of 50,000 children computes in seconds. Every member is keyed to the child the
census would name: a record left on a person who was later merged into another counts as the
surviving record's, as the census builder counts it (merges do not move referrals or plans).
"""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Q

from safehub.child_protection.constants import ConferenceKind
from safehub.child_protection.models import (
    Assessment,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
)
from safehub.people.models import Person
from safehub.platform.calendar import calendar

from .base import Counted, Indicator, Kind, Period, register

# Working Together to Safeguard Children: an assessment concludes within 45 working days of its
# start, and an initial conference sits within 15 working days of the strategy discussion.
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
# The census records a transfer-in conference as the child's initial conference (it starts the
# plan; rule 2885 matches every plan start to an ICPC date), so the release counts both.
INITIAL_KINDS = (ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN)

THE_YEAR = "the collection year (1 April to 31 March, both included)"
AT_31_MARCH = "31 March, the last day of the collection year"


def _child_of() -> Callable[[UUID], UUID]:
    """Person id -> the record the census reports them under (the end of any chain of merges)."""
    merged = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))

    def child(person_id: UUID) -> UUID:
        seen = {person_id}
        while (survivor := merged.get(person_id)) is not None and survivor not in seen:
            seen.add(survivor)
            person_id = survivor
        return person_id

    return child


def years_from(day: date, years: int) -> date:
    """The same day and month `years` away (back, if negative); a 29 February falls on the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def working_days(pairs: Iterable[tuple[date, date]]) -> list[int]:
    """`WorkingCalendar.working_days_between(start, end)` for each pair, with one calendar.

    Each day in the span is asked about once, not once per record: a running count of working
    days to each date, so a pair's answer is the difference of its two counts.
    """
    pairs = list(pairs)
    if not pairs:
        return []
    working = calendar()
    first = min(min(pair) for pair in pairs)
    last = max(max(pair) for pair in pairs)
    upto: dict[date, int] = {}
    running = 0
    day = first
    while day <= last:
        if working.is_working_day(day):
            running += 1
        upto[day] = running
        day += timedelta(days=1)
    return [
        upto[end] - upto[start] if end >= start else working.working_days_between(start, end)
        for start, end in pairs
    ]


def _in(period: Period) -> tuple[date, date]:
    return (period.start, period.end)


# --- Referrals ------------------------------------------------------------------------------------


def referrals(period: Period) -> Counted:
    child = _child_of()
    rows = Referral.objects.filter(referral_date__range=_in(period)).values_list("pk", "person_id")
    return Counted({pk: child(person_id) for pk, person_id in rows})


def re_referrals(period: Period) -> Counted:
    child = _child_of()
    # A referral on 1 April looks back to 1 April of the year before the period.
    rows = list(
        Referral.objects.filter(
            referral_date__gte=years_from(period.start, -1), referral_date__lte=period.end
        ).values_list("pk", "person_id", "referral_date")
    )
    dates: dict[UUID, list[date]] = defaultdict(list)
    for _, person_id, referred in rows:
        dates[child(person_id)].append(referred)
    for days in dates.values():
        days.sort()
    numerator: dict[UUID, UUID] = {}
    denominator: dict[UUID, UUID] = {}
    for pk, person_id, referred in rows:
        if referred not in period:
            continue
        who = child(person_id)
        denominator[pk] = who
        days = dates[who]
        # Any of the child's referrals dated from a year before this one up to the day before it.
        if bisect_left(days, years_from(referred, -1)) < bisect_left(days, referred):
            numerator[pk] = who
    return Counted(numerator, denominator)


# --- Assessments ----------------------------------------------------------------------------------


def _assessments(period: Period) -> list[tuple[UUID, UUID, date, date]]:
    child = _child_of()
    rows = Assessment.objects.filter(authorised_on__range=_in(period)).values_list(
        "pk", "referral__person_id", "started_on", "authorised_on"
    )
    # The range filter already leaves out the unauthorised; the test says so to the type checker.
    return [
        (pk, child(person_id), started, authorised)
        for pk, person_id, started, authorised in rows
        if authorised is not None
    ]


def assessments_completed(period: Period) -> Counted:
    return Counted({pk: who for pk, who, _, _ in _assessments(period)})


def assessments_within_45(period: Period) -> Counted:
    rows = _assessments(period)
    taken = working_days((started, authorised) for _, _, started, authorised in rows)
    return Counted(
        {
            pk: who
            for (pk, who, _, _), days in zip(rows, taken, strict=True)
            if days <= ASSESSMENT_WORKING_DAYS
        },
        {pk: who for pk, who, _, _ in rows},
    )


# --- Section 47 enquiries and initial conferences ----------------------------------------------


def s47_enquiries(period: Period) -> Counted:
    child = _child_of()
    rows = Section47Enquiry.objects.filter(started_on__range=_in(period)).values_list(
        "pk", "referral__person_id"
    )
    return Counted({pk: child(person_id) for pk, person_id in rows})


def _icpcs(period: Period) -> Q:
    # A cancelled conference has no date held (a database constraint); said again for the reader.
    return Q(kind__in=INITIAL_KINDS, held_on__range=_in(period), cancelled_on__isnull=True)


def icpcs(period: Period) -> Counted:
    child = _child_of()
    rows = Conference.objects.filter(_icpcs(period)).values_list("pk", "referral__person_id")
    return Counted({pk: child(person_id) for pk, person_id in rows})


def icpcs_within_15(period: Period) -> Counted:
    child = _child_of()
    rows = [
        (pk, person_id, discussed, held)
        for pk, person_id, discussed, held in Conference.objects.filter(
            _icpcs(period), section47__isnull=False
        ).values_list("pk", "referral__person_id", "section47__strategy_discussion__held_on", "held_on")
        if held is not None
    ]
    taken = working_days((discussed, held) for _, _, discussed, held in rows)
    return Counted(
        {
            pk: child(person_id)
            for (pk, person_id, _, _), days in zip(rows, taken, strict=True)
            if days <= ICPC_WORKING_DAYS
        },
        {pk: child(person_id) for pk, person_id, _, _ in rows},
    )


# --- Child protection plans -----------------------------------------------------------------------


def cp_plans_at_31_march(period: Period) -> Counted:
    child = _child_of()
    people = ChildProtectionPlan.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=period.end), started_on__lte=period.end
    ).values_list("person_id", flat=True)
    return Counted({who: who for who in map(child, people)})


def cp_plans_started(period: Period) -> Counted:
    child = _child_of()
    rows = ChildProtectionPlan.objects.filter(started_on__range=_in(period)).values_list("pk", "person_id")
    return Counted({pk: child(person_id) for pk, person_id in rows})


def cp_plans_second_or_subsequent(period: Period) -> Counted:
    child = _child_of()
    rows = [
        (pk, child(person_id), started)
        for pk, person_id, started in ChildProtectionPlan.objects.filter(
            started_on__lte=period.end
        ).values_list("pk", "person_id", "started_on")
    ]
    first_start: dict[UUID, date] = {}
    for _, who, started in rows:
        first_start[who] = min(started, first_start.get(who, started))
    starting = [(pk, who, started) for pk, who, started in rows if started in period]
    return Counted(
        {pk: who for pk, who, started in starting if first_start[who] < started},
        {pk: who for pk, who, _ in starting},
    )


def cp_plans_ended_2_years_plus(period: Period) -> Counted:
    child = _child_of()
    rows = [
        (pk, child(person_id), started, ended)
        for pk, person_id, started, ended in ChildProtectionPlan.objects.filter(
            ended_on__range=_in(period)
        ).values_list("pk", "person_id", "started_on", "ended_on")
        if ended is not None
    ]
    return Counted(
        {pk: who for pk, who, started, ended in rows if ended >= years_from(started, 2)},
        {pk: who for pk, who, _, _ in rows},
    )


# --- Children in need -----------------------------------------------------------------------------


def cin_at_31_march(period: Period) -> Counted:
    child = _child_of()
    people = Referral.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=period.end),
        referral_date__lte=period.end,
        nfa=False,
    ).values_list("person_id", flat=True)
    return Counted({who: who for who in map(child, people)})


# --- The registry ---------------------------------------------------------------------------------

REFERRAL = "Referral (child_protection), one row per CIN episode"
UNDER_18 = "children under 18: the ONS mid-year estimate for the year (safehub reporting set-population)"
MERGED = " A record merged into another counts as the surviving record's child, as in the CIN census."

register(
    Indicator(
        id="referrals",
        title="Referrals",
        kind=Kind.COUNT,
        period=THE_YEAR,
        population="referrals (CIN episodes) received",
        source=REFERRAL,
        formula=(
            "The number of referrals whose referral date falls in the year, 1 April to 31 March "
            "inclusive. Every referral counts, including those that ended in no further action; a "
            "child referred twice in the year counts twice."
        ),
        members=referrals,
    )
)
register(
    Indicator(
        id="referrals_per_10000",
        title="Referrals per 10,000 children",
        kind=Kind.RATE,
        period=THE_YEAR,
        population=UNDER_18,
        source=REFERRAL,
        formula="referrals x 10,000 / the year's under-18 population; no data without a population.",
        rate_of="referrals",
    )
)
register(
    Indicator(
        id="re_referrals_pct",
        title="Re-referrals within 12 months",
        kind=Kind.PERCENT,
        period=THE_YEAR,
        population="referrals received in the year",
        source=REFERRAL,
        formula=(
            "Of the referrals dated in the year, the percentage where the same child had another "
            "referral dated before it and on or after the same day one year earlier. Exactly 12 "
            "months before counts; 12 months and a day does not; a referral on 29 February looks "
            "back to 28 February. The earlier referral may be before the year. A second referral "
            "on the same day is not a re-referral." + MERGED
        ),
        members=re_referrals,
    )
)
register(
    Indicator(
        id="assessments_completed",
        title="Assessments completed",
        kind=Kind.COUNT,
        period=THE_YEAR,
        population="child and family (single) assessments",
        source="Assessment (child_protection)",
        formula=(
            "The number of assessments whose authorisation date falls in the year. An assessment "
            "is completed when a manager authorises it: one sent for authorisation but not yet "
            "authorised is not counted."
        ),
        members=assessments_completed,
    )
)
register(
    Indicator(
        id="assessments_within_45_pct",
        title="Assessments completed within 45 working days",
        kind=Kind.PERCENT,
        period=THE_YEAR,
        population="assessments authorised in the year",
        source="Assessment (child_protection); working-day calendar (platform)",
        formula=(
            "Of the assessments authorised in the year, the percentage with at most 45 working days "
            "from the assessment's start date to its authorisation date. The start day is day zero "
            "and the authorisation day counts; weekends, England bank holidays and the council's "
            "closure days are not working days (the calendar the assessment clock uses)."
        ),
        members=assessments_within_45,
    )
)
register(
    Indicator(
        id="s47_enquiries",
        title="Section 47 enquiries started",
        kind=Kind.COUNT,
        period=THE_YEAR,
        population="section 47 enquiries",
        source="Section47Enquiry (child_protection)",
        formula="The number of section 47 enquiries whose start date falls in the year.",
        members=s47_enquiries,
    )
)
register(
    Indicator(
        id="icpcs",
        title="Initial child protection conferences",
        kind=Kind.COUNT,
        period=THE_YEAR,
        population="initial and transfer-in child protection conferences held",
        source="Conference (child_protection), kinds initial and transfer-in",
        formula=(
            "The number of initial child protection conferences held in the year (date held in the "
            "year). A transfer-in conference counts, as the CIN census records it as the child's "
            "initial conference; a review conference does not; a cancelled or not-yet-held "
            "conference is not held."
        ),
        members=icpcs,
    )
)
register(
    Indicator(
        id="icpcs_within_15_pct",
        title="Initial conferences within 15 working days of the strategy discussion",
        kind=Kind.PERCENT,
        period=THE_YEAR,
        population="initial conferences held in the year that followed a section 47 enquiry",
        source="Conference, Section47Enquiry, StrategyDiscussion (child_protection); working-day calendar",
        formula=(
            "Of the initial conferences held in the year that followed a section 47 enquiry, the "
            "percentage held at most 15 working days after the strategy discussion that started "
            "that enquiry. The discussion day is day zero and the conference day counts; weekends, "
            "England bank holidays and the council's closure days are not working days. A "
            "conference with no enquiry (a transfer-in) is in neither count."
        ),
        members=icpcs_within_15,
    )
)
register(
    Indicator(
        id="cp_plans_at_31_march",
        title="Children on a child protection plan at 31 March",
        kind=Kind.COUNT,
        period=AT_31_MARCH,
        population="children (each counted once)",
        source="ChildProtectionPlan (child_protection)",
        formula=(
            "The number of children with a plan that started on or before 31 March and had not "
            "ended by then: no end date, or an end date after 31 March. A plan that ended on 31 "
            "March is not open at 31 March." + MERGED
        ),
        members=cp_plans_at_31_march,
    )
)
register(
    Indicator(
        id="cp_plans_per_10000",
        title="Children on a child protection plan per 10,000 children",
        kind=Kind.RATE,
        period=AT_31_MARCH,
        population=UNDER_18,
        source="ChildProtectionPlan (child_protection)",
        formula="cp_plans_at_31_march x 10,000 / the year's under-18 population; no data without one.",
        rate_of="cp_plans_at_31_march",
    )
)
register(
    Indicator(
        id="cp_plans_started",
        title="Child protection plans started",
        kind=Kind.COUNT,
        period=THE_YEAR,
        population="child protection plans",
        source="ChildProtectionPlan (child_protection)",
        formula="The number of child protection plans whose start date falls in the year.",
        members=cp_plans_started,
    )
)
register(
    Indicator(
        id="cp_plans_second_or_subsequent_pct",
        title="Child protection plans started that were a second or later plan",
        kind=Kind.PERCENT,
        period=THE_YEAR,
        population="child protection plans started in the year",
        source="ChildProtectionPlan (child_protection)",
        formula=(
            "Of the plans started in the year, the percentage whose child had another plan that "
            "started on an earlier day, at any time before (not only in the year)." + MERGED
        ),
        members=cp_plans_second_or_subsequent,
    )
)
register(
    Indicator(
        id="cp_plans_ended_2_years_plus_pct",
        title="Child protection plans ended that lasted two years or more",
        kind=Kind.PERCENT,
        period=THE_YEAR,
        population="child protection plans ended in the year",
        source="ChildProtectionPlan (child_protection)",
        formula=(
            "Of the plans whose end date falls in the year, the percentage that ended on or after "
            "the second anniversary of their start date (a plan started on 29 February has its "
            "anniversary on 28 February)."
        ),
        members=cp_plans_ended_2_years_plus,
    )
)
register(
    Indicator(
        id="cin_at_31_march",
        title="Children in need at 31 March",
        kind=Kind.COUNT,
        period=AT_31_MARCH,
        population="children (each counted once)",
        source=REFERRAL,
        formula=(
            "The number of children with a referral (CIN episode) open on 31 March: referral date "
            "on or before 31 March and no closure date, or a closure date after 31 March. A "
            "referral closed on 31 March is not open at 31 March. A referral that ended in no "
            "further action is left out, as the DfE leaves it out of children in need." + MERGED
        ),
        members=cin_at_31_march,
    )
)
register(
    Indicator(
        id="cin_per_10000",
        title="Children in need at 31 March per 10,000 children",
        kind=Kind.RATE,
        period=AT_31_MARCH,
        population=UNDER_18,
        source=REFERRAL,
        formula="cin_at_31_march x 10,000 / the year's under-18 population; no data without one.",
        rate_of="cin_at_31_march",
    )
)
