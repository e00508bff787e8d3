"""Who is in the census: every child with a referral open at some point from 1 April to 31 March."""

from datetime import date

import pytest

from safehub.returns.cin.scope import CensusPeriod

from .cases import child, referral
from .conftest import build

AS_OF = date(2026, 5, 1)


def test_period_runs_from_1_april_to_31_march_and_stops_at_today_while_running() -> None:
    period = CensusPeriod.for_year(2027, as_of=date(2026, 11, 27))
    assert (period.start, period.reference_date, period.cut_off) == (
        date(2026, 4, 1),
        date(2027, 3, 31),
        date(2026, 11, 27),
    )
    assert CensusPeriod.for_year(2026, as_of=AS_OF).cut_off == date(2026, 3, 31)


def test_a_census_that_has_not_started_is_refused_with_the_dates() -> None:
    with pytest.raises(ValueError, match="starts on 01 April 2027"):
        CensusPeriod.for_year(2028, as_of=date(2026, 11, 27))


def test_scope_by_the_dfe_rules() -> None:
    closed_before = child("CLOSEDBEFORE")
    referral(closed_before, date(2024, 6, 1), closed=date(2025, 3, 31))
    open_on_1_april = child("OPENAPRIL")
    referral(open_on_1_april, date(2024, 11, 5))
    closed_on_1_april = child("CLOSED1APRIL")
    referral(closed_on_1_april, date(2024, 11, 5), closed=date(2025, 4, 1))
    referred_31_march = child("REF31MARCH")
    referral(referred_31_march, date(2026, 3, 31))
    referred_after = child("REFAFTER")
    referral(referred_after, date(2026, 4, 1))
    unborn = child("UNBORN", date_of_birth=None, expected_date_of_birth=date(2026, 6, 1), sex="0")
    referral(unborn, date(2026, 1, 10), need="N1")

    parsed = build(2026, as_of=AS_OF)

    assert sorted(parsed.children) == ["CLOSED1APRIL", "OPENAPRIL", "REF31MARCH", "UNBORN"]
    assert set(parsed.census.person_ids) == {
        open_on_1_april.pk,
        closed_on_1_april.pk,
        referred_31_march.pk,
        unborn.pk,
    }
    assert parsed.root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"


def test_a_child_with_two_referrals_in_the_year_is_one_child_with_two_episodes() -> None:
    person = child("TWOEPISODES")
    referral(person, date(2025, 5, 1), closed=date(2025, 6, 1))
    referral(person, date(2025, 9, 1))

    parsed = build(2026, as_of=AS_OF)

    episodes = parsed.child("TWOEPISODES").findall("CINdetails")
    assert [e.findtext("CINreferralDate") for e in episodes] == ["2025-05-01", "2025-09-01"]


def test_children_without_a_return_id_get_one_that_stays() -> None:
    person = child()
    referral(person, date(2025, 5, 1))

    first = build(2026, as_of=AS_OF)
    second = build(2026, as_of=AS_OF)

    [child_id] = list(first.children)
    assert list(second.children) == [child_id]
    assert child_id.startswith("SH")
