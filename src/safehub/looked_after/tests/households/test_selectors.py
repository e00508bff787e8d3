"""Matching, the household list, and the sufficiency figures read from the database."""

from datetime import date

import pytest
import time_machine
from django.test import override_settings

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.looked_after.selectors.households import (
    household_list,
    household_matches,
    household_page,
    sufficiency,
)
from safehub.people.tests.factories import restrict
from safehub.platform.errors import PermissionRefused

from .cases import NOW, TODAY, adult, child, household, locate, period_for, place, request_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


def test_matching_checks_kind_age_vacancies_group_and_distance(worker) -> None:
    locate("LS1 1AA", 430000, 433000)
    locate("LS2 2AA", 431600, 433000)  # about 1 mile from home
    locate("LS3 3AA", 446000, 433000)  # about 10 miles
    locate("YO1 1AA", 460000, 452000)  # about 22 miles
    near = household(name="Near", postcode="LS2 2AA", places=2, sibling_group_max=2)
    mid = household(name="Middle", postcode="LS3 3AA", places=3, sibling_group_max=2)
    household(name="Far", postcode="YO1 1AA", places=2, sibling_group_max=2)
    nowhere = household(name="Nowhere", postcode="", places=2, sibling_group_max=2)
    household(name="Too young only", postcode="LS2 2AA", age_from=0, age_to=4)
    household(name="Adopters", kind="adopters", postcode="LS2 2AA")
    household(name="Singles", postcode="LS2 2AA", places=2, sibling_group_max=1)
    household(name="On hold", postcode="LS2 2AA", status="on_hold")
    full = household(name="Full", postcode="LS2 2AA", places=2, sibling_group_max=2)
    place(period_for(child(9)), full)
    period = period_for(child(7), home_postcode="ls1 1aa")
    req = request_for(period, worker, sibling_group_size=2)

    found = household_matches(actor=worker, request=req, within_miles=15)
    assert [m.household.name for m in found.rows] == ["Near", "Middle"]
    assert [m.household.name for m in found.unknown_distance] == ["Nowhere"]
    assert found.rows[0].distance_miles < found.rows[1].distance_miles
    assert "Approved for ages 0 to 17; the child is 7" in found.rows[0].reasons
    assert "Distance unknown" in found.unknown_distance[0].reasons
    assert {m.household.pk for m in found.rows} == {near.pk, mid.pk}
    assert nowhere.pk not in {m.household.pk for m in found.rows}
    assert "Far" in [m.household.name for m in household_matches(actor=worker, request=req).rows]


def test_household_list_counts_vacancies_and_hides_a_household_with_a_hidden_carer(
    worker, django_assert_max_num_queries
) -> None:
    h = household(name="One child", places=2)
    place(period_for(child(5)), h)
    hidden = household(name="Hidden")
    restrict(hidden.carers.get().person)
    household(name="Ended", status="ended", ended_on=date(2026, 1, 1))
    with django_assert_max_num_queries(8):
        rows = household_list(actor=worker)
    assert {r.name: r.vacancies_now for r in rows} == {"One child": 1, "Ended": 2}
    assert [r.name for r in household_list(actor=worker, filters={"with_vacancies": True})] == ["One child"]


def test_household_page_leaves_out_a_hidden_child_and_audits_the_children_shown(worker) -> None:
    """R22: a hidden child is neither named nor counted; R27: the periods shown are audited."""
    h = household(places=3, sibling_group_max=1)
    seen, hidden = child(5), child(6)
    seen_period = period_for(seen)
    place(seen_period, h)
    place(period_for(hidden), h)
    restrict(hidden)
    page = household_page(actor=worker, household=h)
    assert [p.person_id for p in page.placed_now] == [seen.pk]
    assert page.vacancies_now == 1
    assert not hasattr(page, "placed_hidden")
    assert not hasattr(page, "history_hidden")
    event = AuditEvent.objects.filter(actor=worker, section="household_children").get()
    assert event.verb == Verb.LIST
    assert event.detail["result_ids"] == [str(seen_period.pk)]


@override_settings(SAFEHUB_LOCAL_AUTHORITY_CODE="E08000035")
def test_sufficiency_on_a_seeded_population(make_user, worker) -> None:
    locate("LS1 1AA", 430000, 433000, "E08000035")
    locate("M1 1AA", 384000, 398000, "E08000003")
    f1 = household(age_from=0, age_to=4, places=2, sibling_group_max=2)
    household(age_from=5, age_to=15, places=3, sibling_group_max=3, in_area=False)
    household(kind="adopters", age_from=0, age_to=4, places=1, sibling_group_max=1)
    household(status="assessment", approved_on=None)
    place(period_for(child(3)), f1)
    place(period_for(child(12)), None, postcode="M1 1AA")  # residential, another council
    place(period_for(child(13)), None, postcode="LS1 1AA")  # in area by postcode
    place(period_for(child(14)), None)  # no postcode: unknown
    request_for(period_for(child(6)), worker)
    request_for(period_for(child(14)), worker, sibling_group_size=3)
    view = sufficiency(actor=make_user(Role.PERFORMANCE_ANALYST), on=TODAY, months=2)
    assert dict(view.need) == {("foster", "5 to 9", "1"): 1, ("foster", "10 to 15", "3+"): 1}
    assert dict(view.supply) == {
        ("foster", "Under 1", "1"): 1,
        ("foster", "1 to 4", "1"): 1,
        ("foster", "5 to 9", "3+"): 1,
        ("foster", "10 to 15", "3+"): 1,
        ("adopters", "Under 1", "1"): 1,
        ("adopters", "1 to 4", "1"): 1,
    }
    assert dict(view.children_by_area) == {"in": 2, "out": 1, "unknown": 1}
    assert [
        (p.open_requests, p.available_households, p.vacancies, p.placed_out_of_area) for p in view.series
    ] == [
        (0, 3, 5, 1),  # 31 Jan: every child placed from 1 Jan
        (2, 3, 5, 1),  # 28 Feb: both requests made 1 Feb
    ]


def test_sufficiency_needs_the_capability(make_user) -> None:
    with pytest.raises(PermissionRefused):
        sufficiency(actor=make_user(Role.IRO), on=TODAY)
    assert adult  # the carers helper is shared with the other tests


@override_settings(SAFEHUB_LOCAL_AUTHORITY_CODE="E08000035")
def test_sufficiency_is_the_same_with_and_without_a_sealed_child(make_user, worker) -> None:
    """R22, T3: restricted and sealed children are left out before counting."""
    f1 = household(age_from=0, age_to=17, places=3, sibling_group_max=3)
    place(period_for(child(4)), f1)
    request_for(period_for(child(6)), worker)
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    before = sufficiency(actor=analyst, on=TODAY, months=2)
    sealed, restricted = child(7), child(9)
    place(period_for(sealed), f1)
    restricted_period = period_for(restricted)
    request_for(restricted_period, worker, sibling_group_size=1)
    place(restricted_period, None, postcode="M1 1AA")
    restrict(sealed, Level.SEALED)
    restrict(restricted)
    after = sufficiency(actor=analyst, on=TODAY, months=2)
    assert (after.need, after.supply, after.households_by_area, after.children_by_area, after.series) == (
        before.need,
        before.supply,
        before.households_by_area,
        before.children_by_area,
        before.series,
    )
