"""Recording a referral directly, changing its details and closing the case (issue 5): who may,
errors at the field with nothing written, and a stale form shown as a conflict (R49)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.child_protection.models import Referral
from safehub.child_protection.services.referral import referral_update
from safehub.child_protection.tests.services.referral_cases import NOW, child, referral, staff
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def day(prefix: str, value: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def new_url(person) -> str:
    return reverse("child_protection:referral_new", args=[person.pk])


def url(name: str, ref) -> str:
    return reverse(f"child_protection:{name}", args=[ref.pk])


# --- recording a referral ----------------------------------------------------------------------------


def test_a_worker_records_a_referral_and_lands_on_the_case(signed_in) -> None:
    person = child(given_name="Cal", family_name="Testchild")
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.get(new_url(person)).content.decode()
    assert "Record a referral" in page
    assert "Select a referral source" in page  # labels from the CIN census list
    response = client.post(
        new_url(person),
        {
            **day("referral_date", date(2026, 11, 20)),
            "source": "2A",
            "primary_need": "N1",
            "summary": "Synthetic.",
        },
    )
    ref = Referral.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == url("case", ref)
    assert ref.referral_date == date(2026, 11, 20)
    assert "Referral recorded for Cal Testchild" in client.get(response["Location"]).content.decode()


def test_a_referral_needs_a_date_and_source_shown_at_the_fields(signed_in) -> None:
    person = child()
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.post(new_url(person), {"source": "", "summary": ""}).content.decode()
    assert 'href="#id_referral_date"' in page
    assert 'id="id_referral_date-error"' in page
    assert 'href="#id_source"' in page
    assert "Select who made the referral" in page
    assert not Referral.objects.exists()


def test_a_second_open_referral_is_refused_at_the_field(signed_in) -> None:
    """CIN census rule 8815, from the service, shown at the referral date."""
    worker, _manager = staff()
    person = child()
    referral(worker, person)
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(new_url(person), {**day("referral_date", date(2026, 11, 20)), "source": "2A"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert Referral.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_SOCIAL_WORKER, Role.REFERRER, Role.MASH_PARTNER])
def test_only_caseworkers_record_referrals(signed_in, role) -> None:
    """R18: record_casework is needed (an IRO views cases but does not record them)."""
    person = child()
    client = signed_in(role)
    assert client.get(new_url(person)).status_code == 403
    assert (
        client.post(new_url(person), {**day("referral_date", date(2026, 11, 20)), "source": "2A"}).status_code
        == 403
    )
    assert not Referral.objects.exists()


def test_a_restricted_child_cannot_be_referred_by_an_ungranted_worker(signed_in) -> None:
    """R19: the person is read through the people policy: a 404."""
    person = child()
    restrict(person)
    assert signed_in(Role.SOCIAL_WORKER).get(new_url(person)).status_code == 404


# --- changing the details ---------------------------------------------------------------------------


def test_the_worker_changes_the_details(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("referral_edit", ref)).status_code == 200
    response = client.post(
        url("referral_edit", ref),
        {"source": "3A", "primary_need": "N2", "summary": "Now known.", "version": ref.version},
    )
    assert response.status_code == 302
    ref.refresh_from_db()
    assert (ref.source, ref.primary_need, ref.summary) == ("3A", "N2", "Now known.")


def test_a_bad_source_is_shown_at_the_field_and_nothing_changes(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.post(
        url("referral_edit", ref), {"source": "ZZ", "summary": "x", "version": ref.version}
    ).content.decode()
    assert 'id="id_source-error"' in page
    ref.refresh_from_db()
    assert ref.source == "2A"


def test_a_stale_edit_is_a_conflict_not_a_lost_update(signed_in) -> None:
    """R49: another worker saved first; the second sees who, and the first's change survives."""
    worker, _manager = staff()
    ref = referral(worker)
    stale = ref.version
    referral_update(
        actor=worker, referral=ref, expected_version=stale, source="3A", primary_need="N1", summary="First."
    )
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.post(
        url("referral_edit", ref),
        {"source": "5A", "primary_need": "N1", "summary": "Second.", "version": stale},
    ).content.decode()
    assert "This referral was changed by" in page
    assert escape(str(worker)) in page
    ref.refresh_from_db()
    assert ref.summary == "First."
    assert f'value="{ref.version}"' in page  # saving again now saves over the version it has seen


# --- closing ----------------------------------------------------------------------------------------


def test_a_manager_closes_the_case_with_a_reason(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    client = signed_in(Role.TEAM_MANAGER)
    page = client.get(url("referral_close", ref)).content.decode()
    assert "Select a reason" in page
    assert "No further action on the referral" in page
    response = client.post(
        url("referral_close", ref),
        {**day("closed_on", date(2026, 11, 20)), "reason": "RC7", "nfa": "on", "version": ref.version},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ref.refresh_from_db()
    assert (ref.closed_on, ref.closure_reason, ref.nfa) == (date(2026, 11, 20), "RC7", True)
    assert "Closed" in client.get(url("case", ref)).content.decode()


def test_closing_needs_a_date_and_reason_and_writes_nothing(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    page = (
        signed_in(Role.TEAM_MANAGER)
        .post(url("referral_close", ref), {"version": ref.version})
        .content.decode()
    )
    assert 'id="id_closed_on-error"' in page
    assert 'id="id_reason-error"' in page
    ref.refresh_from_db()
    assert ref.closed_on is None


def test_a_closure_date_before_the_referral_is_at_the_field(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    page = (
        signed_in(Role.TEAM_MANAGER)
        .post(
            url("referral_close", ref),
            {**day("closed_on", date(2026, 9, 1)), "reason": "RC7", "version": ref.version},
        )
        .content.decode()
    )
    assert 'id="id_closed_on-error"' in page
    ref.refresh_from_db()
    assert ref.closed_on is None


def test_a_stale_closure_is_a_conflict(signed_in) -> None:
    """R49: the referral changed after the manager opened the close form."""
    worker, _manager = staff()
    ref = referral(worker)
    stale = ref.version
    referral_update(
        actor=worker, referral=ref, expected_version=stale, source="3A", primary_need="N1", summary="x"
    )
    page = (
        signed_in(Role.TEAM_MANAGER)
        .post(
            url("referral_close", ref),
            {**day("closed_on", date(2026, 11, 20)), "reason": "RC7", "version": stale},
        )
        .content.decode()
    )
    assert "This referral was changed by" in page
    ref.refresh_from_db()
    assert ref.closed_on is None


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.IRO, Role.REFERRER])
def test_only_managers_close_cases(signed_in, role) -> None:
    """R18: closing needs manage_cases."""
    worker, _manager = staff()
    ref = referral(worker)
    assert signed_in(role).get(url("referral_close", ref)).status_code == 403


@pytest.mark.parametrize("name", ["referral_edit", "referral_close"])
def test_a_restricted_childs_referral_forms_are_404(signed_in, name) -> None:
    """R19: forbidden and missing are the same answer."""
    worker, _manager = staff()
    person = child()
    ref = referral(worker, person)
    restrict(person)
    assert signed_in(Role.TEAM_MANAGER).get(url(name, ref)).status_code == 404
