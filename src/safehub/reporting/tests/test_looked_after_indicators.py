"""The children-looked-after indicators against a small population whose answers are worked out
by hand below (ADR 0009, decision 11).

The collection year is 1 April 2024 to 31 March 2025. Every child is named after the edge it
tests, and each expected figure lists the children behind it.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import transaction

from safehub.accounts.tests.factories import UserFactory
from safehub.looked_after.constants import LeaverCategory
from safehub.looked_after.models import CareLeaverContact, UascStatus
from safehub.looked_after.tests.factories import (
    CareLeaverFactory,
    HouseholdFactory,
    LegalStatusFactory,
    PeriodFactory,
    PlacementFactory,
)
from safehub.people.tests.factories import PersonFactory
from safehub.reporting.indicators.base import REGISTRY, Kind, Period, figure, get, indicators

YEAR = Period(2025)
EMPTY_YEAR = Period(2019)  # before anything in the population started
OURS = [
    "cla_at_31_march",
    "cla_per_10000",
    "cla_3_plus_placements_pct",
    "care_leavers_in_touch_pct",
    "adoptions",
    "cla_uasc_at_31_march",
    "cla_long_term_stability_pct",
]


@dataclass(frozen=True)
class P:
    """A placement: type, start, end, and optionally the carer household and same-carers flag."""

    kind: str
    start: date
    end: date | None = None
    household: str = ""
    same_carers: bool = False


def d(text: str) -> date:
    return date.fromisoformat(text)


class Population:
    def __init__(self) -> None:
        self.user = UserFactory()
        self.ids: dict[str, UUID] = {}
        self.households: dict[str, Any] = {}

    def child(self, name: str, born: str, **person: Any) -> Any:
        record = PersonFactory(given_name=name, date_of_birth=d(born), **person)
        self.ids[name] = record.pk
        return record

    def care(
        self,
        child: Any,
        started: str,
        ended: str | None = None,
        reason: str = "",
        *,
        statuses: list[tuple[str, str]],
        placements: list[P],
    ) -> None:
        period = PeriodFactory(
            person=child,
            started_on=d(started),
            ended_on=d(ended) if ended else None,
            end_reason=reason,
            recorded_by=self.user,
        )
        for code, on in statuses:
            LegalStatusFactory(period=period, code=code, started_on=d(on), recorded_by=self.user)
        for p in placements:
            household = None
            if p.household:
                household = self.households.get(p.household) or HouseholdFactory(recorded_by=self.user)
                self.households[p.household] = household
            PlacementFactory(
                period=period,
                started_on=p.start,
                ended_on=p.end,
                placement_type=p.kind,
                household=household,
                same_carers=p.same_carers,
                recorded_by=self.user,
            )

    def uasc(self, child: Any, started: str, ceased: str | None = None) -> None:
        UascStatus.objects.create(
            person=child,
            started_on=d(started),
            ceased_on=d(ceased) if ceased else None,
            recorded_by=self.user,
        )

    def leaver(self, name: str, born: str, contacts: list[tuple[str, str]], **record: Any) -> None:
        person = self.child(name, born)
        leaver = CareLeaverFactory(
            person=person, started_on=d(born).replace(year=d(born).year + 18), recorded_by=self.user, **record
        )
        for on, answer in contacts:
            CareLeaverContact.objects.create(
                care_leaver=leaver, contact_on=d(on), in_touch=answer, recorded_by=self.user
            )

    def names(self, members: Mapping[Any, UUID] | None) -> set[str]:
        by_id = {pk: name for name, pk in self.ids.items()}
        return {by_id[pk] for pk in (members or {}).values()}


def _build() -> Population:
    pop = Population()
    c = pop.care

    # Looked after at 31 March, and the edges of it.
    child = pop.child("ends_31_march", "2012-05-01")
    c(
        child,
        "2023-06-01",
        "2025-03-31",
        "E4A",
        statuses=[("C2", "2023-06-01")],
        placements=[P("U6", d("2023-06-01"), d("2025-03-31"))],
    )
    pop.uasc(child, "2023-06-01")  # a UASC, but no longer looked after on 31 March
    child = pop.child("starts_31_march", "2015-01-01")
    c(child, "2025-03-31", statuses=[("C1", "2025-03-31")], placements=[P("U6", d("2025-03-31"))])
    pop.uasc(child, "2025-04-05")  # a UASC only after 31 March
    child = pop.child("short_break_at_31_march", "2014-04-04")
    c(child, "2024-11-01", statuses=[("V3", "2024-11-01")], placements=[P("U6", d("2024-11-01"))])

    # Placements in the year.
    c(
        pop.child("three_moves", "2013-02-02"),
        "2024-05-01",
        statuses=[("C1", "2024-05-01")],
        placements=[
            P("U6", d("2024-05-01"), d("2024-08-01")),
            P("K2", d("2024-08-01"), d("2024-12-01")),
            P("U4", d("2024-12-01")),
        ],
    )
    # Three placements ever, three episodes in the year (a change of legal status), two placements.
    c(
        pop.child("two_placements", "2011-03-03"),
        "2023-01-10",
        statuses=[("C1", "2023-01-10"), ("C2", "2024-09-01")],
        placements=[
            P("R1", d("2023-01-10"), d("2023-09-01")),
            P("U6", d("2023-09-01"), d("2024-06-01")),
            P("U4", d("2024-06-01")),
        ],
    )
    # Four placement rows, one stay: a holiday (T2) and a move to placed for adoption, same carers.
    c(
        pop.child("same_carers", "2020-07-07"),
        "2024-04-10",
        statuses=[("C1", "2024-04-10"), ("E1", "2024-10-01")],
        placements=[
            P("U6", d("2024-04-10"), d("2024-07-01"), "h1"),
            P("T2", d("2024-07-01"), d("2024-07-14")),
            P("U6", d("2024-07-14"), d("2024-10-01"), "h1"),
            P("A5", d("2024-10-01"), None, "h1", same_carers=True),
        ],
    )
    # The first placement ended on 1 April, the day of the move: it was current in the year.
    c(
        pop.child("moved_on_1_april", "2010-10-10"),
        "2023-02-01",
        statuses=[("C2", "2023-02-01")],
        placements=[
            P("U6", d("2023-02-01"), d("2024-04-01")),
            P("U4", d("2024-04-01"), d("2024-09-01")),
            P("K2", d("2024-09-01")),
        ],
    )
    # A short break early in the year is not a placement; then two placements in care.
    child = pop.child("short_break_then_care", "2012-12-12")
    c(
        child,
        "2024-04-05",
        "2024-04-07",
        "E8",
        statuses=[("V3", "2024-04-05")],
        placements=[P("U6", d("2024-04-05"), d("2024-04-07"))],
    )
    c(
        child,
        "2024-06-01",
        statuses=[("C1", "2024-06-01")],
        placements=[P("U6", d("2024-06-01"), d("2024-09-01")), P("U4", d("2024-09-01"))],
    )
    # Three placements in the year, but not looked after on 31 March.
    c(
        pop.child("left_in_year_sgo", "2016-06-16"),
        "2024-05-01",
        "2024-10-10",
        "E45",
        statuses=[("C2", "2024-05-01")],
        placements=[
            P("U6", d("2024-05-01"), d("2024-06-01")),
            P("U4", d("2024-06-01"), d("2024-08-01")),
            P("U3", d("2024-08-01"), d("2024-10-10")),
        ],
    )

    # Adoptions.
    c(
        pop.child("adopted_31_march", "2021-01-01"),
        "2022-01-01",
        "2025-03-31",
        "E11",
        statuses=[("E1", "2022-01-01")],
        placements=[P("A5", d("2022-01-01"), d("2025-03-31"))],
    )
    c(
        pop.child("adopted_1_april_before", "2020-02-02"),
        "2021-06-01",
        "2024-04-01",
        "E11",
        statuses=[("E1", "2021-06-01")],
        placements=[P("A5", d("2021-06-01"), d("2024-04-01"))],
    )
    # Adopted the day after the year: still looked after on 31 March, and in long-term stability
    # through the adoption rule (placed for adoption 15 months, after 23 months in foster care).
    c(
        pop.child("adopted_1_april_after", "2019-05-05"),
        "2022-02-01",
        "2025-04-01",
        "E12",
        statuses=[("E1", "2022-02-01")],
        placements=[P("U4", d("2022-02-01"), d("2024-01-01")), P("A5", d("2024-01-01"), d("2025-04-01"))],
    )

    # Long-term stability: 2.5 years in care counts from 30 September 2022, 2 years in the
    # placement from 31 March 2023.
    c(
        pop.child("stable_two_years", "2012-01-01"),
        "2020-06-01",
        statuses=[("C2", "2020-06-01")],
        placements=[
            P("U6", d("2020-06-01"), d("2023-03-31")),
            P("U4", d("2023-03-31"), d("2025-03-25")),
            P("T1", d("2025-03-25")),
        ],
    )
    c(
        pop.child("one_day_short_placement", "2014-06-06"),
        "2022-09-30",
        statuses=[("C2", "2022-09-30")],
        placements=[P("U6", d("2022-09-30"), d("2023-04-01")), P("U4", d("2023-04-01"))],
    )
    c(
        pop.child("one_day_short_care", "2015-01-01"),
        "2022-10-01",
        statuses=[("C2", "2022-10-01")],
        placements=[P("U4", d("2022-10-01"))],
    )
    c(
        pop.child("aged_16", "2009-03-31"),
        "2020-01-01",
        statuses=[("C2", "2020-01-01")],
        placements=[P("U4", d("2020-01-01"))],
    )

    # UASC: leave to remain granted in December does not end it (the 903 keeps it to 18).
    child = pop.child("uasc", "2008-05-05")
    c(child, "2024-08-01", statuses=[("V2", "2024-08-01")], placements=[P("K2", d("2024-08-01"))])
    pop.uasc(child, "2024-08-01", "2024-12-01")

    # Care leavers (windows: 3 months before to 1 month after the birthday).
    pop.leaver("leaver_19_in_touch", "2005-06-15", [("2024-05-01", "YES")])
    pop.leaver("leaver_21_last_day", "2004-03-31", [("2024-10-01", "YES")])  # before the window
    pop.leaver("leaver_21_first_day", "2003-04-01", [("2024-03-05", "YES"), ("2024-04-10", "REFU")])
    pop.leaver("leaver_19_next_year", "2006-04-01", [("2024-04-01", "YES")])
    pop.leaver("leaver_died", "2004-09-09", [("2024-09-01", "DIED")])
    pop.leaver("leaver_returned_home", "2004-11-11", [("2024-11-01", "RHOM")])
    pop.leaver("leaver_qualifying", "2005-01-20", [("2025-01-20", "YES")], category=LeaverCategory.QUALIFYING)
    return pop


@pytest.fixture(scope="module")
def pop(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Population]:
    """Built once for the module inside a transaction rolled back after its last test; each test
    runs in a savepoint within it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


LOOKED_AFTER_31_MARCH = {
    "starts_31_march",
    "three_moves",
    "two_placements",
    "same_carers",
    "moved_on_1_april",
    "short_break_then_care",
    "adopted_1_april_after",
    "stable_two_years",
    "one_day_short_placement",
    "one_day_short_care",
    "aged_16",
    "uasc",
}


def _members(indicator_id: str, period: Period = YEAR) -> Any:
    members = get(indicator_id).members
    assert members is not None
    return members(period)


def test_registers_the_seven_in_order_with_their_kinds() -> None:
    indicators()
    ours = [i for i in REGISTRY if i in OURS]
    assert ours == OURS
    kinds = [get(i).kind for i in OURS]
    assert kinds == [Kind.COUNT, Kind.RATE, Kind.PERCENT, Kind.PERCENT, Kind.COUNT, Kind.COUNT, Kind.PERCENT]
    assert get("cla_per_10000").rate_of == "cla_at_31_march"


def test_looked_after_at_31_march(pop: Population, db: Any) -> None:
    counted = _members("cla_at_31_march")
    # Not: ended on 31 March, adopted on 31 March or earlier, short break on 31 March.
    assert pop.names(counted.numerator) == LOOKED_AFTER_31_MARCH
    assert len(counted.numerator) == 12  # the child with two periods counts once
    assert counted.denominator is None


def test_rate_per_10000_uses_the_population_and_is_no_data_without_one(pop: Population, db: Any) -> None:
    rate = figure(get("cla_per_10000"), YEAR, 7_000)
    assert (rate.numerator, rate.denominator, rate.value) == (12, 7_000, Decimal("17.1"))  # 120000/7000
    assert pop.names(rate.members) == LOOKED_AFTER_31_MARCH
    assert figure(get("cla_per_10000"), YEAR, None).value is None


def test_three_or_more_placements(pop: Population, db: Any) -> None:
    counted = _members("cla_3_plus_placements_pct")
    assert pop.names(counted.denominator) == LOOKED_AFTER_31_MARCH
    # Not two_placements (2), same_carers (1), short_break_then_care (2), left_in_year_sgo (not
    # looked after on 31 March).
    assert pop.names(counted.numerator) == {"three_moves", "moved_on_1_april"}
    result = figure(get("cla_3_plus_placements_pct"), YEAR, None)
    assert (result.numerator, result.denominator, result.value) == (2, 12, Decimal("16.7"))


def test_care_leavers_in_touch(pop: Population, db: Any) -> None:
    counted = _members("care_leavers_in_touch_pct")
    # 19th birthday on 15 June 2024, 21st on 31 March 2025 and on 1 April 2024; the 19th birthday
    # on 1 April 2025 is next year's; DIED, RHOM and qualifying leavers are left out.
    assert pop.names(counted.denominator) == {
        "leaver_19_in_touch",
        "leaver_21_last_day",
        "leaver_21_first_day",
    }
    # leaver_21_last_day's contact was before its window; leaver_21_first_day's nearest contact
    # (9 days after, against 27 days before) was a refusal.
    assert pop.names(counted.numerator) == {"leaver_19_in_touch"}
    result = figure(get("care_leavers_in_touch_pct"), YEAR, None)
    assert (result.numerator, result.denominator, result.value) == (1, 3, Decimal("33.3"))


def test_adoptions(pop: Population, db: Any) -> None:
    # 31 March 2025 and 1 April 2024 are in the year; 1 April 2025 and the SGO are not.
    assert pop.names(_members("adoptions").numerator) == {"adopted_31_march", "adopted_1_april_before"}
    assert pop.names(_members("adoptions", Period(2026)).numerator) == {"adopted_1_april_after"}


def test_uasc_at_31_march(pop: Population, db: Any) -> None:
    assert pop.names(_members("cla_uasc_at_31_march").numerator) == {"uasc"}


def test_long_term_stability(pop: Population, db: Any) -> None:
    counted = _members("cla_long_term_stability_pct")
    # Not one_day_short_care (care from 1 October 2022) nor aged_16 (16 on 31 March).
    assert pop.names(counted.denominator) == {
        "adopted_1_april_after",
        "stable_two_years",
        "one_day_short_placement",
    }
    # stable_two_years: placed on 31 March 2023, now in hospital (T1) for a week.
    assert pop.names(counted.numerator) == {"adopted_1_april_after", "stable_two_years"}
    result = figure(get("cla_long_term_stability_pct"), YEAR, None)
    assert (result.numerator, result.denominator, result.value) == (2, 3, Decimal("66.7"))


def test_a_year_with_no_records_gives_zero_counts_and_no_data_percentages(pop: Population, db: Any) -> None:
    values = {i: figure(get(i), EMPTY_YEAR, 7_000) for i in OURS}
    assert {i: f.numerator for i, f in values.items()} == dict.fromkeys(OURS, 0)
    assert values["cla_at_31_march"].value == Decimal(0)
    assert values["adoptions"].value == Decimal(0)
    assert values["cla_per_10000"].value == Decimal(0)
    for percent in ("cla_3_plus_placements_pct", "care_leavers_in_touch_pct", "cla_long_term_stability_pct"):
        assert values[percent].denominator == 0
        assert values[percent].value is None


@pytest.mark.parametrize("indicator_id", [i for i in OURS if i != "cla_per_10000"])
def test_reads_a_few_queries_for_the_whole_year(
    pop: Population, db: Any, django_assert_max_num_queries: Any, indicator_id: str
) -> None:
    # Twenty children with a query each would pass well over this.
    with django_assert_max_num_queries(3):
        _members(indicator_id)
