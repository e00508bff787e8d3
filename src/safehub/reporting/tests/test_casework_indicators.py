"""The children in need and child protection indicators, worked out by hand from a small city.

The population is built once for the module (bare rows through the factories and the ORM; the
indicators read rows, not services) and rolled back after the module's last test. Every expected
figure below is counted by hand from the rows `city` builds; the comments give the working.

England bank holidays used in the working: 2024: Fri 29 March, Mon 1 April (Easter), Mon 26
August, Wed 25 and Thu 26 December; 2025: Wed 1 January, Fri 18 and Mon 21 April (Easter), Mon 5
May. The council's closure day: Fri 14 June 2024.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import connection, transaction

from safehub.accounts.tests.factories import UserFactory
from safehub.child_protection.constants import (
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    Section47Outcome,
    StrategyDecision,
)
from safehub.child_protection.models import (
    Assessment,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
)
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.models import Person
from safehub.people.tests.factories import PersonFactory
from safehub.platform.models import LocalClosure
from safehub.reporting.indicators.base import Period, figure, get, indicators

Y2024, Y2025, Y2026 = Period(2024), Period(2025), Period(2026)


@dataclass
class City:
    """What the tests need to name: people by their part in the story, rows by their label."""

    people: dict[str, UUID] = field(default_factory=dict)
    rows: dict[str, UUID] = field(default_factory=dict)


def _referral(city: City, user: Any, label: str, person: Person, on: date, **fields: Any) -> Referral:
    if fields.get("closed_on"):
        fields.setdefault("closure_reason", "RC1" if not fields.get("nfa") else "RC8")
    referral = ReferralFactory(person=person, referral_date=on, recorded_by=user, **fields)
    city.rows[label] = referral.pk
    return referral


def _assessment(city: City, label: str, referral: Referral, started: date, authorised: date | None) -> None:
    city.rows[label] = Assessment.objects.create(
        referral=referral,
        started_on=started,
        due_on=started,  # the due date is the clock's business; the indicator counts the days itself
        completed_on=authorised,
        outcome="nfa" if authorised else "",
        authorised_on=authorised,
    ).pk


def _enquiry(
    city: City,
    user: Any,
    label: str,
    referral: Referral,
    started: date,
    *,
    outcome: str = "",
    completed: date | None = None,
) -> Section47Enquiry:
    discussion = StrategyDiscussion.objects.create(
        referral=referral,
        held_on=started,
        decision=StrategyDecision.SECTION_47,
        rationale="Synthetic concern for the indicator tests.",
        recorded_by=user,
    )
    enquiry = Section47Enquiry.objects.create(
        referral=referral,
        strategy_discussion=discussion,
        started_on=started,
        icpc_due_on=started,
        completed_on=completed,
        outcome=outcome,
    )
    city.rows[label] = enquiry.pk
    return enquiry


def _conference(city: City, user: Any, label: str, referral: Referral, kind: str, **fields: Any) -> None:
    city.rows[label] = Conference.objects.create(referral=referral, kind=kind, recorded_by=user, **fields).pk


def _plan(
    city: City, label: str, referral: Referral, started: date, ended: date | None = None
) -> ChildProtectionPlan:
    plan = ChildProtectionPlan.objects.create(
        referral=referral,
        person=referral.person,
        started_on=started,
        initial_category="N",
        latest_category="N",
        ended_on=ended,
        end_reason=PlanEndReason.REVIEW_CONFERENCE if ended else "",
    )
    city.rows[label] = plan.pk
    return plan


def _build() -> City:
    city = City()
    user = UserFactory()

    def person(name: str) -> Person:
        made = PersonFactory()
        city.people[name] = made.pk
        return made

    LocalClosure.objects.create(date=date(2024, 6, 14), reason="Council training day")

    # --- Referrals (re-referrals and children in need at 31 March) ------------------------------
    c1 = person("C1")  # re-referred exactly 12 months after
    _referral(city, user, "R1a", c1, date(2023, 6, 10), closed_on=date(2023, 6, 30))
    _referral(city, user, "R1b", c1, date(2024, 6, 10), closed_on=date(2024, 7, 1))
    c2 = person("C2")  # re-referred 12 months and a day after
    _referral(city, user, "R2a", c2, date(2023, 6, 9), closed_on=date(2023, 6, 30))
    _referral(city, user, "R2b", c2, date(2024, 6, 10))
    c3 = person("C3")  # referred on 29 February 2024; earlier on 28 February 2023
    _referral(city, user, "R3a", c3, date(2023, 2, 28), closed_on=date(2023, 2, 28))
    _referral(city, user, "R3b", c3, date(2024, 2, 29), closed_on=date(2024, 3, 1))
    c4 = person("C4")  # twice in the year, the first ending in no further action
    _referral(city, user, "R4a", c4, date(2024, 5, 1), closed_on=date(2024, 5, 2), nfa=True)
    _referral(city, user, "R4b", c4, date(2024, 8, 1))
    c5 = person("C5")  # two referrals on one day
    _referral(city, user, "R5a", c5, date(2024, 9, 3), closed_on=date(2024, 9, 3))
    _referral(city, user, "R5b", c5, date(2024, 9, 3), closed_on=date(2024, 9, 10))
    c6 = person("C6")  # the survivor of a merge; O6 the record merged into them
    o6 = person("O6")
    r6a = _referral(city, user, "R6a", o6, date(2024, 3, 15))  # left open on the merged record
    r6b = _referral(city, user, "R6b", c6, date(2025, 3, 1))
    Person.objects.filter(pk=o6.pk).update(merged_into=c6)
    c7 = person("C7")  # closed on 31 March
    _referral(city, user, "R7", c7, date(2025, 1, 1), closed_on=date(2025, 3, 31))
    c8 = person("C8")  # closed on 1 April
    _referral(city, user, "R8", c8, date(2025, 2, 2), closed_on=date(2025, 4, 1))
    c9 = person("C9")  # no further action, closed after 31 March
    _referral(city, user, "R9", c9, date(2025, 3, 28), closed_on=date(2025, 4, 2), nfa=True)
    c10 = person("C10")  # referred on the last day of the year before, still open
    _referral(city, user, "R10", c10, date(2024, 3, 31))
    c11 = person("C11")  # referred on the first day of the year after
    _referral(city, user, "R11", c11, date(2025, 4, 1))

    # --- Children with plans: each has one long-running referral from 1 January 2020 ---------------
    def long_case(name: str, closed: date | None = None) -> Referral:
        return _referral(city, user, f"R{name}", person(name), date(2020, 1, 1), closed_on=closed)

    k1 = long_case("K1")
    k2 = long_case("K2", date(2025, 3, 31))
    k3 = long_case("K3", date(2024, 10, 1))
    k4 = long_case("K4", date(2024, 10, 1))
    k5 = long_case("K5")
    k7 = long_case("K7")
    k8 = long_case("K8", date(2025, 4, 1))

    p1 = _plan(city, "P1", k1, date(2024, 6, 1))
    _plan(city, "P2a", k2, date(2020, 1, 1), date(2021, 1, 1))
    _plan(city, "P2b", k2, date(2024, 9, 1), date(2025, 3, 31))  # ended ON 31 March
    _plan(city, "P3", k3, date(2022, 10, 1), date(2024, 10, 1))  # exactly two years
    _plan(city, "P4", k4, date(2022, 10, 2), date(2024, 10, 1))  # two years less a day
    _plan(city, "P5", k5, date(2024, 2, 29), date(2026, 2, 28))  # leap day; anniversary 28 Feb 2026
    _plan(city, "P6a", r6a, date(2024, 3, 18), date(2024, 4, 26))  # on the merged record
    _plan(city, "P6", r6b, date(2025, 3, 10))
    _plan(city, "P7", k7, date(2025, 4, 1))
    _plan(city, "P8", k8, date(2024, 4, 1), date(2025, 4, 1))

    # --- Assessments, all on K1's referral ------------------------------------------------------
    # Start Mon 18 Nov 2024. Working days after it: 19-22 Nov 4; 25-29 Nov 9; 2-6 Dec 14;
    # 9-13 Dec 19; 16-20 Dec 24; 23, 24, 27 Dec 27 (25, 26 bank holidays); 30, 31 Dec, 2, 3 Jan 31
    # (1 Jan a bank holiday); 6-10 Jan 36; 13-17 Jan 41; Mon 20 Jan 42 ... Thu 23 Jan 45, Fri 24 46.
    _assessment(city, "A1", k1, date(2024, 11, 18), date(2025, 1, 23))  # 45: within
    _assessment(city, "A2", k1, date(2024, 11, 18), date(2025, 1, 24))  # 46: not
    # Start Mon 3 Jun 2024: 4-7 Jun 4; 10-13 Jun 8 (Fri 14 Jun the closure day); 17-21 Jun 13;
    # 24-28 Jun 18; 1-5 Jul 23; 8-12 Jul 28; 15-19 Jul 33; 22-26 Jul 38; 29 Jul-2 Aug 43;
    # Mon 5 Aug 44, Tue 6 Aug 45, Wed 7 Aug 46 - so 45 only because the council was closed.
    _assessment(city, "A3", k1, date(2024, 6, 3), date(2024, 8, 6))  # 45 with the closure: within
    _assessment(city, "A4", k1, date(2024, 2, 1), date(2024, 3, 28))  # authorised the year before
    # Start Mon 10 Mar 2025: 11-14 Mar 4; 17-21 Mar 9; 24-28 Mar 14; 31 Mar-4 Apr 19; 7-11 Apr 24;
    # 14-17 Apr 28 (Good Friday 18 Apr); 22-25 Apr 32 (Easter Monday 21 Apr); 28 Apr-2 May 37;
    # 6-9 May 41 (Mon 5 May a bank holiday); Mon 12 May 42 ... Thu 15 May 45, Fri 16 May 46.
    _assessment(city, "A7", k1, date(2025, 3, 10), date(2025, 5, 15))  # 45: within (2025-26)
    _assessment(city, "A8", k1, date(2025, 3, 10), date(2025, 5, 16))  # 46: not (2025-26)
    _assessment(city, "A9", k1, date(2024, 7, 1), date(2024, 7, 5))  # 4 working days
    # Sent for authorisation, never authorised: not completed.
    sent = Assessment.objects.create(
        referral=k1, started_on=date(2025, 3, 3), due_on=date(2025, 3, 3), completed_on=date(2025, 3, 20)
    )
    city.rows["A5"] = sent.pk

    # --- Section 47 enquiries and conferences --------------------------------------------------
    # Strategy discussion Mon 9 Dec 2024: 10-13 Dec 4; 16-20 Dec 9; 23, 24, 27 Dec 12 (25, 26
    # bank holidays); 30, 31 Dec 14 (1 Jan a bank holiday); Thu 2 Jan 15, Fri 3 Jan 16.
    done = {"outcome": Section47Outcome.CONFERENCE}
    s1 = _enquiry(city, user, "S1", k1, date(2024, 12, 9), completed=date(2025, 1, 2), **done)
    s2 = _enquiry(city, user, "S2", k2, date(2024, 12, 9), completed=date(2025, 1, 3), **done)
    held = {"kind": ConferenceKind.INITIAL, "decision": ConferenceDecision.PLAN}
    _conference(city, user, "I1", k1, section47=s1, held_on=date(2025, 1, 2), **held)  # 15: within
    _conference(city, user, "I2", k2, section47=s2, held_on=date(2025, 1, 3), **held)  # 16: not
    _enquiry(
        city,
        user,
        "S3",
        k3,
        date(2024, 10, 2),
        completed=date(2024, 10, 20),
        outcome=Section47Outcome.NOT_SUBSTANTIATED,
    )
    # Discussion Wed 20 Mar 2024: 21, 22 Mar 2; 25-28 Mar 6 (Good Friday 29 Mar); 2-5 Apr 10
    # (Easter Monday 1 Apr). The enquiry is the year before's; its conference is this year's.
    s4 = _enquiry(city, user, "S4", k4, date(2024, 3, 20), completed=date(2024, 4, 5), **done)
    _conference(city, user, "I4", k4, section47=s4, held_on=date(2024, 4, 5), **held)
    s5 = _enquiry(city, user, "S5", k5, date(2025, 2, 3))
    _conference(
        city, user, "I5", k5, kind=ConferenceKind.INITIAL, section47=s5,
        cancelled_on=date(2025, 2, 10), cancel_reason="The family moved away.",
    )  # fmt: skip
    s6 = _enquiry(city, user, "S6", k7, date(2025, 3, 17))
    _conference(
        city, user, "I6", k7, kind=ConferenceKind.INITIAL, section47=s6, scheduled_on=date(2025, 3, 25)
    )
    _conference(
        city, user, "T8", k8, kind=ConferenceKind.TRANSFER_IN, held_on=date(2025, 1, 15),
        decision=ConferenceDecision.PLAN,
    )  # fmt: skip
    _conference(
        city, user, "V1", k1, kind=ConferenceKind.REVIEW, plan=p1, held_on=date(2024, 10, 10),
        decision=ConferenceDecision.CONTINUE,
    )  # fmt: skip
    return city


@pytest.fixture(scope="module")
def city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[City]:
    """Built once inside a transaction rolled back after the module; each test runs in a savepoint."""
    from safehub.audit import triggers
    from safehub.audit.models import AuditChainHead

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            if not triggers.present(connection):
                triggers.install(connection)
            AuditChainHead.objects.get_or_create(pk=1)
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _rows(city: City, *labels: str) -> set[UUID]:
    return {city.rows[label] for label in labels}


def _people(city: City, *names: str) -> set[UUID]:
    return {city.people[name] for name in names}


# (indicator, period) -> (numerator, denominator, value), each counted by hand from `_build`.
EXPECTED = {
    # Dated 1 Apr 2024 - 31 Mar 2025: R1b, R2b, R4a, R4b, R5a, R5b, R6b, R7, R8, R9. Not R10 (31 Mar
    # 2024), R11 (1 Apr 2025), the 2020 long cases, R1a/R2a/R3a/R3b/R6a (earlier).
    ("referrals", Y2025): (10, None, Decimal(10)),
    # Dated 1 Apr 2023 - 31 Mar 2024: R1a, R2a, R3b, R6a, R10.
    ("referrals", Y2024): (5, None, Decimal(5)),
    # Of those 10: R1b (R1a exactly 12 months before), R4b (R4a in May), R6b (R6a, 15 Mar 2024, on
    # the record merged into C6). Not R2b (12 months and a day), R5b (same day as R5a), the rest.
    ("re_referrals_pct", Y2025): (3, 10, Decimal("30.0")),
    # Of those 5: R3b (29 Feb 2024 looks back to 28 Feb 2023, the day of R3a).
    ("re_referrals_pct", Y2024): (1, 5, Decimal("20.0")),
    # Authorised in the year: A1, A2, A3, A9 (not A4: March 2024; not A5: never authorised; not
    # A7/A8: May 2025). Within 45: A1 (45), A3 (45 with the closure day), A9 (4); A2 is 46.
    ("assessments_completed", Y2025): (4, None, Decimal(4)),
    ("assessments_within_45_pct", Y2025): (3, 4, Decimal("75.0")),
    # Across Easter 2025: A7 at 45 counts, A8 at 46 does not.
    ("assessments_completed", Y2026): (2, None, Decimal(2)),
    ("assessments_within_45_pct", Y2026): (1, 2, Decimal("50.0")),
    # Started in the year: S1, S2 (9 Dec), S3 (2 Oct), S5 (3 Feb), S6 (17 Mar). Not S4 (Mar 2024).
    ("s47_enquiries", Y2025): (5, None, Decimal(5)),
    # Held in the year: I1, I2, I4 (5 Apr 2024), T8 (transfer-in). Not I5 (cancelled), I6 (only
    # scheduled), V1 (a review).
    ("icpcs", Y2025): (4, None, Decimal(4)),
    # After an enquiry: I1 (15), I2 (16), I4 (10); T8 had no enquiry. Within 15: I1, I4.
    ("icpcs_within_15_pct", Y2025): (2, 3, Decimal("66.7")),
    # Open on 31 Mar 2025: P1 (K1), P5 (K5), P6 (C6), P8 (K8, ended 1 Apr 2025). Not P2b (ended
    # ON 31 March), P7 (starts 1 Apr 2025), the plans ended earlier.
    ("cp_plans_at_31_march", Y2025): (4, None, Decimal(4)),
    # Started in the year: P1, P2b, P6, P8 (1 Apr 2024). Not P6a (18 Mar 2024), P7 (1 Apr 2025).
    ("cp_plans_started", Y2025): (4, None, Decimal(4)),
    # P2b (K2's P2a in 2020) and P6 (P6a on the record merged into C6) were not first plans.
    ("cp_plans_second_or_subsequent_pct", Y2025): (2, 4, Decimal("50.0")),
    # Ended in the year: P2b, P3, P4, P6a. Two years or more: P3 (1 Oct 2022 - 1 Oct 2024).
    ("cp_plans_ended_2_years_plus_pct", Y2025): (1, 4, Decimal("25.0")),
    # Ended 1 Apr 2025 - 31 Mar 2026: P8 (one year), P5 (29 Feb 2024 - 28 Feb 2026: two years).
    ("cp_plans_ended_2_years_plus_pct", Y2026): (1, 2, Decimal("50.0")),
    # Open on 31 Mar 2025, not NFA: C2, C4, C6 (two open referrals, one child), C8 (closed 1 Apr),
    # C10, K1, K5, K7, K8. Not C1, C3, C5 (closed earlier), C7 (closed ON 31 March), C9 (no
    # further action), C11 (referred 1 Apr 2025), K2, K3, K4.
    ("cin_at_31_march", Y2025): (9, None, Decimal(9)),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("indicator_id", "period"), list(EXPECTED), ids=lambda v: str(getattr(v, "year", v)))
def test_each_figure_matches_the_hand_count(city: City, indicator_id: str, period: Period) -> None:
    result = figure(get(indicator_id), period, None)
    assert (result.numerator, result.denominator, result.value) == EXPECTED[(indicator_id, period)]


@pytest.mark.django_db
def test_the_members_are_the_records_and_children_behind_each_figure(city: City) -> None:
    re_referred = figure(get("re_referrals_pct"), Y2025, None).members
    assert set(re_referred) == _rows(city, "R1b", "R4b", "R6b")
    assert set(re_referred.values()) == _people(city, "C1", "C4", "C6")

    assert set(figure(get("assessments_within_45_pct"), Y2025, None).members) == _rows(city, "A1", "A3", "A9")
    assert set(figure(get("icpcs"), Y2025, None).members) == _rows(city, "I1", "I2", "I4", "T8")
    assert set(figure(get("icpcs_within_15_pct"), Y2025, None).members) == _rows(city, "I1", "I4")
    assert set(figure(get("cp_plans_ended_2_years_plus_pct"), Y2025, None).members) == _rows(city, "P3")

    subsequent = figure(get("cp_plans_second_or_subsequent_pct"), Y2025, None).members
    assert set(subsequent) == _rows(city, "P2b", "P6")
    assert set(subsequent.values()) == _people(city, "K2", "C6")

    # Counts of children are keyed by child; the merged record O6 is counted as C6, once.
    on_plans = figure(get("cp_plans_at_31_march"), Y2025, None).members
    assert set(on_plans) == _people(city, "K1", "K5", "C6", "K8")
    in_need = figure(get("cin_at_31_march"), Y2025, None).members
    assert set(in_need) == _people(city, "C2", "C4", "C6", "C8", "C10", "K1", "K5", "K7", "K8")
    assert city.people["O6"] not in in_need


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("indicator_id", "population", "value"),
    [
        ("referrals_per_10000", 20_000, Decimal("5.0")),  # 10 x 10,000 / 20,000
        ("cp_plans_per_10000", 3_000, Decimal("13.3")),  # 4 x 10,000 / 3,000 = 13.33...
        ("cin_per_10000", 20_000, Decimal("4.5")),  # 9 x 10,000 / 20,000
        ("cin_per_10000", None, None),  # no population: no data, not a guess
    ],
)
def test_a_rate_is_its_count_per_ten_thousand_children(
    city: City, indicator_id: str, population: int | None, value: Decimal | None
) -> None:
    result = figure(get(indicator_id), Y2025, population)
    assert result.value == value
    assert result.denominator == population


@pytest.mark.django_db
def test_a_year_with_no_records_counts_nothing_and_has_no_percentages(city: City) -> None:
    empty = Period(2012)
    for indicator_id in ("referrals", "assessments_completed", "s47_enquiries", "icpcs", "cp_plans_started"):
        result = figure(get(indicator_id), empty, None)
        assert (result.numerator, result.value) == (0, Decimal(0)), indicator_id
    for indicator_id in (
        "re_referrals_pct",
        "assessments_within_45_pct",
        "icpcs_within_15_pct",
        "cp_plans_second_or_subsequent_pct",
        "cp_plans_ended_2_years_plus_pct",
    ):
        result = figure(get(indicator_id), empty, None)
        assert (result.numerator, result.denominator, result.value) == (0, 0, None), indicator_id
    # 31 March 2012 predates every referral and plan in the city.
    assert figure(get("cin_at_31_march"), empty, None).value == Decimal(0)
    assert figure(get("cp_plans_at_31_march"), empty, None).value == Decimal(0)
    assert figure(get("referrals_per_10000"), empty, 20_000).value == Decimal("0.0")


def test_the_casework_indicators_are_registered_in_the_issues_order() -> None:
    issue_order = [
        "referrals", "referrals_per_10000", "re_referrals_pct", "assessments_completed",
        "assessments_within_45_pct", "s47_enquiries", "icpcs", "icpcs_within_15_pct",
        "cp_plans_at_31_march", "cp_plans_per_10000", "cp_plans_started",
        "cp_plans_second_or_subsequent_pct", "cp_plans_ended_2_years_plus_pct", "cin_at_31_march",
        "cin_per_10000",
    ]  # fmt: skip
    assert [indicator.id for indicator in indicators() if indicator.id in issue_order] == issue_order
