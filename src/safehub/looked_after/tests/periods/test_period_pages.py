"""Period pages: GET, POST valid, POST invalid with the error at the field, hidden child 404 (R19),
IRO may view not manage (R18), list query count does not grow with rows."""

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.looked_after.models import LookedAfterPeriod
from safehub.people.tests.factories import restrict

from .cases import NOW, child, staff, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_period_page_shows_history_and_episodes(signed_in):
    _worker, manager = staff()
    period = started(manager)
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.get(reverse("looked_after:period", args=[period.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("<h1") == 1
    assert escape(str(period.person)) in body
    assert "903 episodes" in body
    assert "01/09/2026" in body


def test_start_care_form_get_post_valid_and_invalid(signed_in):
    client = signed_in(Role.TEAM_MANAGER)
    person = child()
    url = reverse("looked_after:period_start", args=[person.pk])
    assert client.get(url).status_code == 200
    invalid = client.post(
        url,
        {
            "started_on_day": "1",
            "started_on_month": "9",
            "started_on_year": "2026",
            "legal_status": "V2",
            "need_code": "N1",
            "placement_type": "U6",
            "provider": "",
            "intended_until_18": "no",
        },
    )
    body = invalid.content.decode()
    assert invalid.status_code == 200
    assert "<title>Error: " in body
    assert "Choose the placement provider" in body
    valid = client.post(
        url,
        {
            "started_on_day": "1",
            "started_on_month": "9",
            "started_on_year": "2026",
            "legal_status": "V2",
            "need_code": "N1",
            "placement_type": "U6",
            "provider": "PR1",
            "intended_until_18": "no",
        },
    )
    period = LookedAfterPeriod.objects.get(person=person)
    assert valid.status_code == 302
    assert valid["Location"] == reverse("looked_after:period", args=[period.pk])


def test_placement_move_via_the_form_and_a_refusal_at_the_field(signed_in):
    _worker, manager = staff()
    period = started(manager)
    client = signed_in(Role.SOCIAL_WORKER)
    url = reverse("looked_after:placement_change", args=[period.pk])
    data = {
        "changed_on_day": "1",
        "changed_on_month": "8",
        "changed_on_year": "2026",
        "reason": "CARPL",
        "placement_type": "U4",
        "provider": "PR1",
        "version": period.version,
    }
    refused = client.post(url, data)
    assert "before the child became looked after" in refused.content.decode()
    data["changed_on_month"] = "10"
    assert client.post(url, data).status_code == 302
    assert period.placements.count() == 2


def test_a_stale_form_shows_who_changed_the_record(signed_in):
    """R49."""
    _worker, manager = staff()
    period = started(manager)
    client = signed_in(Role.TEAM_MANAGER)
    url = reverse("looked_after:legal_status_change", args=[period.pk])
    data = {
        "changed_on_day": "1",
        "changed_on_month": "10",
        "changed_on_year": "2026",
        "legal_status": "C1",
        "version": period.version + 5,
    }
    body = client.post(url, data).content.decode()
    assert "was changed by" in body


def test_iro_views_but_does_not_manage_and_hidden_child_is_404(signed_in):
    """R18, R19."""
    _worker, manager = staff()
    period = started(manager)
    iro = signed_in(Role.IRO)
    assert iro.get(reverse("looked_after:period", args=[period.pk])).status_code == 200
    assert iro.get(reverse("looked_after:period_end", args=[period.pk])).status_code == 403
    restrict(period.person)
    assert iro.get(reverse("looked_after:period", args=[period.pk])).status_code == 404


def test_list_queries_do_not_grow_with_rows(signed_in, django_assert_max_num_queries):
    _worker, manager = staff()
    started(manager)
    client = signed_in(Role.TEAM_MANAGER)
    url = reverse("looked_after:period_list")
    with django_assert_max_num_queries(30) as first:
        assert client.get(url).status_code == 200
    baseline = len(first.captured_queries)
    for _ in range(4):
        started(manager)
    with django_assert_max_num_queries(baseline):
        body = client.get(url).content.decode()
    assert "5 periods of care" in body
