"""Review pages: two people recording a review at once conflict visibly (R49); nothing new is offered
or recorded under a period that has ended; 903 codes show with their meanings (labels.py)."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.looked_after.models import LookedAfterReview, PlacementVisit
from safehub.looked_after.services.health import sdq_record
from safehub.looked_after.services.review import review_record

from .cases import NOW, care_period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def url(name: str, period) -> str:
    return reverse(f"looked_after:{name}", args=[period.pk])


def test_two_iros_recording_at_once_the_second_sees_a_conflict(signed_in, make_user) -> None:
    """R49: both open the form on the same period version; the second save is refused, says who
    changed the record, keeps the entries and carries the current version so saving again works."""
    period = care_period()
    first = signed_in(Role.IRO)
    other_iro = make_user(Role.IRO)
    second = Client()
    second.force_login(other_iro)

    page = first.get(url("review_new", period)).content.decode()
    assert f'name="version" value="{period.version}"' in page
    opened = period.version
    assert second.get(url("review_new", period)).status_code == 200

    saved = second.post(
        url("review_new", period),
        {**_date("held_on", date(2026, 3, 2)), "participation": "PN1", "version": opened},
    )
    assert saved.status_code == 302

    stale = first.post(
        url("review_new", period),
        {**_date("held_on", date(2026, 3, 3)), "participation": "PN4", "version": opened},
    )
    html = stale.content.decode()
    assert stale.status_code == 200
    assert "<title>Error: " in html
    assert f"This record was changed by {escape(str(other_iro))}" in html
    assert LookedAfterReview.objects.filter(period=period).count() == 1
    period.refresh_from_db()
    assert period.version != opened
    assert f'name="version" value="{period.version}"' in html
    assert 'value="PN4" checked' in html  # the entries are kept

    again = first.post(
        url("review_new", period),
        {**_date("held_on", date(2026, 3, 3)), "participation": "PN4", "version": period.version},
    )
    assert again.status_code == 302
    assert LookedAfterReview.objects.filter(period=period).count() == 2


def test_a_review_posted_on_a_closed_period_is_refused_with_the_reason(signed_in) -> None:
    period = care_period(ended_on=date(2026, 5, 1))
    client = signed_in(Role.IRO)
    response = client.post(
        url("review_new", period),
        {**_date("held_on", date(2026, 3, 2)), "participation": "PN1", "version": period.version},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "The child stopped being looked after on 1 May 2026" in html
    assert "nothing more is recorded on this period of care" in html
    assert not LookedAfterReview.objects.exists()


def test_a_stale_link_to_a_closed_period_form_goes_back_with_the_reason(signed_in) -> None:
    period = care_period(ended_on=date(2026, 5, 1))
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.get(url("visit_new", period), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/care/{period.pk}/")
    assert "The child stopped being looked after on 1 May 2026" in response.content.decode()
    assert client.post(url("visit_new", period), {**_date("visited_on", date(2026, 3, 2))}).status_code == 200
    assert not PlacementVisit.objects.exists()


def test_a_closed_period_page_offers_no_review_visit_or_health_links(signed_in) -> None:
    period = care_period(ended_on=date(2026, 5, 1))
    client = signed_in(Role.TEAM_MANAGER)  # may review and record on an open period
    html = client.get(reverse("looked_after:period", args=[period.pk])).content.decode()
    assert 'id="reviews">Reviews' in html
    for name in ("review_new", "visit_new", "health_new", "sdq_new", "substance_new", "conviction_new"):
        assert url(name, period) not in html
    open_period = care_period()
    html = client.get(reverse("looked_after:period", args=[open_period.pk])).content.decode()
    for name in ("review_new", "visit_new", "health_new"):
        assert url(name, open_period) in html


def test_participation_and_sdq_reason_show_their_meanings(signed_in) -> None:
    period = care_period()
    client = signed_in(Role.TEAM_MANAGER)
    form = client.get(url("review_new", period)).content.decode()
    assert "PN1: Attended and spoke for themselves" in form
    assert "PN1: PN1" not in form
    assert "SDQ5: The young person refused" in client.get(url("sdq_new", period)).content.decode()

    review_record(actor=client.user, period=period, held_on=date(2026, 3, 2), participation="PN4")
    sdq_record(actor=client.user, period=period, recorded_on=date(2026, 3, 9), reason="SDQ5")
    page = client.get(reverse("looked_after:period", args=[period.pk])).content.decode()
    assert "PN4: Attended but did not contribute" in page
    assert "No score: SDQ5: The young person refused" in page
    assert "PN4: PN4" not in page
