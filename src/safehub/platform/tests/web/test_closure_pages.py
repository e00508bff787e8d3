"""The local closures pages: sysadmin only (R18), GOV.UK errors at the field, audited changes."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from safehub.platform.models import LocalClosure
from safehub.platform.services import local_closure_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_2_november_2026():
    with time_machine.travel("2026-11-02 10:00 +0000", tick=False):
        yield


LIST = reverse("platform:closure_list")
CREATE = reverse("platform:closure_create")


def _post_date(day: date, **extra: str) -> dict[str, str]:
    return {
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "kind": "closure",
        "reason": "Council closure day",
        **extra,
    }


def test_list_shows_closures_and_bank_holidays(signed_in):
    client = signed_in("sysadmin")
    local_closure_create(actor=client.user, date=date(2026, 12, 29), reason="Council closure day")
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tuesday 29 December 2026" in page
    assert "Council closure day" in page
    assert "Boxing Day (observed)" in page  # 2026
    assert "Christmas Day (observed)" in page  # 27 December 2027
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_social_worker_is_refused(signed_in, url):
    assert signed_in("social_worker").get(url).status_code == 403


def test_social_worker_cannot_post(signed_in):
    client = signed_in("social_worker")
    assert client.post(CREATE, _post_date(date(2026, 12, 29))).status_code == 403
    assert not LocalClosure.objects.exists()


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_create_page_renders_a_govuk_date_input(signed_in):
    page = signed_in("sysadmin").get(CREATE).content.decode()
    assert 'class="govuk-date-input"' in page
    assert 'name="date_day"' in page
    assert 'name="date_year"' in page
    assert 'class="govuk-radios"' in page


def test_create_redirects_to_the_list(signed_in):
    client = signed_in("sysadmin")
    response = client.post(CREATE, _post_date(date(2026, 12, 29)))
    assert response.status_code == 302
    assert response["Location"] == LIST
    closure = LocalClosure.objects.get()
    assert (closure.date, closure.kind, closure.updated_by) == (date(2026, 12, 29), "closure", client.user)


def test_duplicate_date_is_an_error_at_the_field(signed_in):
    client = signed_in("sysadmin")
    local_closure_create(actor=client.user, date=date(2026, 12, 29), reason="First")
    response = client.post(CREATE, _post_date(date(2026, 12, 29)))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"date": ["There is already a local closure or opening on this date"]}
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_date"' in page
    assert LocalClosure.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date_day": "", "date_month": "", "date_year": ""}, "date", "Enter the date"),
        ({"date_month": ""}, "date", "The date must include a month"),
        ({"date_day": "31", "date_month": "2"}, "date", "The date must be a real date"),
        ({"date_year": "26"}, "date", "Year must include 4 numbers"),
        ({"date_day": "x"}, "date", "The date must be a real date"),
        ({"reason": ""}, "reason", "Enter the reason"),
        ({"kind": ""}, "kind", "Select whether the council is closed or open on this date"),
    ],
)
def test_bad_input_is_an_error_at_the_field(signed_in, data, field, message):
    response = signed_in("sysadmin").post(CREATE, _post_date(date(2026, 12, 29), **data))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not LocalClosure.objects.exists()


def test_delete_confirms_then_removes(signed_in):
    client = signed_in("sysadmin")
    closure = local_closure_create(actor=client.user, date=date(2026, 12, 29), reason="Council closure day")
    url = reverse("platform:closure_delete", args=[closure.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove the closure on Tuesday 29 December 2026?" in confirm.content.decode()
    assert LocalClosure.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not LocalClosure.objects.exists()


def test_delete_unknown_closure_is_404(signed_in):
    url = reverse("platform:closure_delete", args=["00000000-0000-0000-0000-000000000000"])
    assert signed_in("sysadmin").get(url).status_code == 404


def test_social_worker_cannot_delete(signed_in, make_user):
    closure = local_closure_create(actor=make_user("sysadmin"), date=date(2026, 12, 29), reason="Closure")
    url = reverse("platform:closure_delete", args=[closure.pk])
    client = signed_in("social_worker")
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert LocalClosure.objects.exists()
