"""The households pages: who may open them (R18, R19), errors at the field, conflicts (R49)."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.looked_after.models import CarerHousehold, PlacementRequest
from safehub.people.tests.factories import restrict

from .cases import NOW, adult, approved, child, household, period_for, place, request_for

pytestmark = pytest.mark.django_db
NS = "looked_after_households"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name, *args):
    return reverse(f"{NS}:{name}", args=args)


def day(prefix, value):
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def test_the_list_shows_vacancies_in_bounded_queries(signed_in, django_assert_max_num_queries) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    client.get(url("household_list"))  # the session's first-request work is not the page's
    place(period_for(child(5)), household(name="House first", places=2))
    with CaptureQueriesContext(connection) as one:
        client.get(url("household_list"))
    for n in range(5):
        place(period_for(child(5 + n)), household(name=f"House {n}", places=2))
    with django_assert_max_num_queries(len(one.captured_queries)):  # the same however many households
        page = client.get(url("household_list")).content.decode()
    assert page.count("<h1") == 1
    assert "govuk-back-link" in page
    assert "House 4" in page


def test_a_worker_records_a_household_from_a_carer_search(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    carer = adult(given_name="Siobhan", family_name="O'Testcarer")
    found = client.post(
        url("household_new"), {"family_name": "O'Testcarer", "given_name": "Siobhan"}
    ).content.decode()
    assert escape("O'Testcarer") in found
    new_url = f"{url('household_new')}?carer={carer.pk}"
    invalid = client.post(
        new_url,
        {
            "name": "",
            "kind": "foster",
            "in_area": "yes",
            "age_from": 8,
            "age_to": 3,
            "places": 2,
            "sibling_group_max": 2,
        },
    )
    body = invalid.content.decode()
    assert "<title>Error:" in body
    assert 'href="#id_name"' in body
    invalid = client.post(
        new_url,
        {
            "name": "The Testcarer household",
            "kind": "foster",
            "in_area": "yes",
            "age_from": 8,
            "age_to": 3,
            "places": 2,
            "sibling_group_max": 2,
        },
    )
    assert "oldest age must be the same as or more" in invalid.content.decode()
    response = client.post(
        new_url,
        {
            "name": "The Testcarer household",
            "kind": "foster",
            "in_area": "yes",
            "age_from": 0,
            "age_to": 10,
            "places": 2,
            "sibling_group_max": 2,
        },
    )
    h = CarerHousehold.objects.get()
    assert response.status_code == 302
    assert response.url == url("household", h.pk)
    page = client.get(url("household", h.pk)).content.decode()
    assert escape("Siobhan O'Testcarer") in page
    assert "In assessment" in page


def test_the_household_page_leaves_a_hidden_child_out_without_trace(signed_in) -> None:
    """R22: no name, no "1 other child", no past-placement count; the vacancies are the household's."""
    client = signed_in(Role.SOCIAL_WORKER)
    h = household(places=3, sibling_group_max=1)
    seen, hidden = child(5, given_name="Seen", family_name="Testchild"), child(6, family_name="Hiddenname")
    place(period_for(seen), h)
    place(period_for(hidden), h)
    gone = child(7, family_name="Gonename")
    place(period_for(gone), h, ended_on=date(2026, 2, 1))
    restrict(hidden)
    restrict(gone)
    page = client.get(url("household", h.pk)).content.decode()
    assert "Seen Testchild" in page
    assert "Hiddenname" not in page
    assert "Gonename" not in page
    assert "cannot see" not in page
    assert "other child" not in page
    assert "No past placements you can see." in page


def test_a_stale_edit_shows_who_changed_it(signed_in, make_user) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    h = approved(make_user(Role.TEAM_MANAGER))
    data = {
        "name": "Renamed",
        "kind": "foster",
        "in_area": "yes",
        "age_from": 0,
        "age_to": 17,
        "places": 2,
        "sibling_group_max": 2,
        "version": h.version,
    }
    assert client.post(url("household_edit", h.pk), data).status_code == 302
    response = client.post(url("household_edit", h.pk), {**data, "name": "Renamed again"})
    assert "was changed by" in response.content.decode()  # R49


def test_ending_an_approval_with_a_child_placed_is_refused_at_the_status(signed_in, make_user) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    h = approved(make_user(Role.TEAM_MANAGER))
    place(period_for(child(8)), h)
    response = client.post(
        url("household_status", h.pk),
        {"status": "ended", **day("on", date(2026, 3, 1)), "reason": "Resigned", "version": h.version},
    )
    body = response.content.decode()
    assert "<title>Error:" in body
    assert "before ending the approval" in body
    assert 'href="#id_status"' in body


def test_adding_a_carer_through_search(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    h = household()
    second = adult(family_name="Testsecond", given_name="Ola")
    assert (
        "Testsecond"
        in client.post(
            url("carer_add", h.pk), {"family_name": "Testsecond", "given_name": "Ola"}
        ).content.decode()
    )
    response = client.post(url("carer_add", h.pk), {"person_id": str(second.pk)})
    assert response.status_code == 302
    assert h.carers.filter(person=second).exists()


def test_a_request_is_made_matched_and_closed(signed_in, make_user) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    period = period_for(child(7))
    response = client.post(
        url("request_new", period.pk),
        {**day("requested_on", date(2026, 2, 1)), "household_kind": "foster", "sibling_group_size": 1},
    )
    req = PlacementRequest.objects.get()
    assert response.status_code == 302
    h = household(name="Matching house")
    page = client.get(url("request", req.pk), {"within_miles": 10}).content.decode()
    assert "Matching house" in page
    assert "Distance unknown" in page
    listing = client.get(url("request_list")).content.decode()
    assert url("request", req.pk) in listing
    closed = client.post(
        url("request_close", req.pk),
        {
            "status": "found",
            **day("closed_on", date(2026, 3, 1)),
            "household": str(h.pk),
            "version": req.version,
        },
    )
    assert closed.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.household_id) == ("found", h.pk)


def test_a_restricted_childs_request_is_a_404(signed_in, make_user) -> None:
    person = child(7)
    req = request_for(period_for(person), make_user(Role.SOCIAL_WORKER))
    restrict(person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("request", req.pk)).status_code == 404


def test_an_analyst_sees_sufficiency_but_no_household(signed_in) -> None:
    h = household()
    client = signed_in(Role.PERFORMANCE_ANALYST)
    page = client.get(
        url("sufficiency"), {"on_day": "28", "on_month": "2", "on_year": "2026"}
    ).content.decode()
    assert "<svg" in page
    assert "Placement sufficiency" in page
    assert page.count("<h1") == 1
    assert "28 February 2026" in page
    assert client.get(url("household", h.pk)).status_code == 403
    assert client.get(url("household_list")).status_code == 403
    assert client.get(url("request_list")).status_code == 403


def test_a_social_worker_without_view_sufficiency_is_refused(signed_in) -> None:
    assert signed_in(Role.SOCIAL_WORKER).get(url("sufficiency")).status_code == 403
    assert signed_in(Role.TEAM_MANAGER).get(url("sufficiency")).status_code == 200


def test_small_sufficiency_counts_are_shown_as_fewer_than_five(signed_in, make_user) -> None:
    """R22: two children waiting is "fewer than 5"; the kind total above them is not shown either."""
    worker = make_user(Role.SOCIAL_WORKER)
    household()
    for age in (6, 7):
        request_for(period_for(child(age)), worker)
    page = signed_in(Role.PERFORMANCE_ANALYST).get(url("sufficiency")).content.decode()
    assert "fewer than 5" in page
    assert "<5" in page or "&lt;5" in page  # the chart labels it, and draws no bar
    assert ">2</td>" not in page


def test_the_request_form_says_one_request_covers_the_sibling_group(signed_in) -> None:
    period = period_for(child(6))
    page = signed_in(Role.SOCIAL_WORKER).get(url("request_new", period.pk)).content.decode()
    assert "One request covers the whole group" in page
