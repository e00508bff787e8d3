"""Recording a contact (issue 4, item 1): one GOV.UK form; the service's errors come back at the
field they are about; nothing is saved on error; a valid contact opens its own page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.front_door.constants import ConcernCategory, ConsentStatus, LawfulBasis, SubjectRole
from safehub.front_door.models import Contact, ContactSubject
from safehub.platform import clock

pytestmark = pytest.mark.django_db

NEW = reverse("front_door:contact_new")


def _form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    received = timezone.localtime(clock.now() - timedelta(minutes=30))
    data: dict[str, str | list[str]] = {
        "received_date_day": str(received.day),
        "received_date_month": str(received.month),
        "received_date_year": str(received.year),
        "received_time": f"{received:%H:%M}",
        "channel": "phone",
        "referrer_name": "Sam Teacher",
        "referrer_organisation": "Riverside Primary",
        "referrer_role": "Designated safeguarding lead",
        "referrer_phone": "0161 496 0000",
        "referrer_email": "dsl@school.example.test",
        "referral_source": "2A",
        "concerns": [ConcernCategory.NEGLECT, ConcernCategory.DOMESTIC_ABUSE],
        "summary": "Arrived hungry; says there was shouting at home.",
        "consent": ConsentStatus.GIVEN,
        "consent_reason": "",
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        "child-0-role": SubjectRole.CHILD,
        "child-0-given_name": "Nia",
        "child-0-family_name": "Recordtest",
        "child-0-date_of_birth_day": "3",
        "child-0-date_of_birth_month": "4",
        "child-0-date_of_birth_year": "2017",
        "child-0-sex": "F",
        "adult-0-role": SubjectRole.PARENT_CARER,
        "adult-0-given_name": "Rhys",
        "adult-0-family_name": "Recordtest",
        "adult-0-sex": "M",
    }
    for n in range(1, 4):
        data[f"child-{n}-role"] = SubjectRole.CHILD
        data[f"child-{n}-sex"] = "U"
    for n in range(1, 4):
        data[f"adult-{n}-role"] = SubjectRole.PARENT_CARER
        data[f"adult-{n}-sex"] = "U"
    return data | changes


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER])
def test_mash_staff_record_a_contact_and_land_on_it(signed_in, role) -> None:
    client = signed_in(role)
    page = client.get(NEW).content.decode()
    assert "Record a contact" in page
    assert 'name="child-3-given_name"' in page
    assert 'name="adult-3-given_name"' in page
    response = client.post(NEW, _form())
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert response["Location"] == reverse("front_door:contact", args=[contact.pk])
    assert contact.recorded_by == client.user
    assert contact.referrer_organisation == "Riverside Primary"
    subjects = {s.role: s.details for s in ContactSubject.objects.filter(contact=contact)}
    assert subjects[SubjectRole.CHILD]["date_of_birth"] == "2017-04-03"
    assert subjects[SubjectRole.PARENT_CARER]["given_name"] == "Rhys"
    assert ContactSubject.objects.count() == 2  # blank rows are ignored


def test_the_referrer_agency_is_chosen_from_the_list(signed_in) -> None:
    agency = AgencyFactory(name="Riverside Health Visiting")
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    assert "Riverside Health Visiting" in client.get(NEW).content.decode()
    client.post(NEW, _form(referrer_agency=str(agency.pk), referrer_organisation=""))
    assert Contact.objects.get().referrer_agency == agency


@pytest.mark.parametrize("role", [Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER])
def test_other_roles_may_not_record(signed_in, role) -> None:
    client = signed_in(role)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert not Contact.objects.exists()


def test_errors_are_shown_at_their_fields_and_nothing_is_saved(signed_in) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    response = client.post(
        NEW,
        _form(summary="", concerns=[], consent=ConsentStatus.REFUSED, consent_reason="", referral_source=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    for field in ("summary", "concerns", "referral_source"):
        assert f'href="#id_{field}"' in page, field
    assert not Contact.objects.exists()
    # Form-valid but refused by the service: consent refused needs a reason.
    response = client.post(NEW, _form(consent=ConsentStatus.REFUSED, consent_reason=""))
    page = response.content.decode()
    assert 'href="#id_consent_reason"' in page
    assert 'id="id_consent_reason-error"' in page
    assert not Contact.objects.exists()


def test_a_contact_without_an_identifiable_child_is_refused_at_the_children(signed_in) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    response = client.post(
        NEW,
        _form(
            **{
                "child-0-given_name": "",
                "child-0-family_name": "",
                "child-0-date_of_birth_day": "",
                "child-0-date_of_birth_month": "",
                "child-0-date_of_birth_year": "",
            }
        ),
    )
    page = response.content.decode()
    assert 'href="#id_child-0-given_name"' in page
    assert "Name at least one child" in page
    assert not Contact.objects.exists()
    # A "child not yet identified" contact with its reason goes ahead.
    response = client.post(
        NEW,
        _form(
            **{
                "child-0-given_name": "",
                "child-0-family_name": "",
                "child-0-date_of_birth_day": "",
                "child-0-date_of_birth_month": "",
                "child-0-date_of_birth_year": "",
                "child_not_identified": "on",
                "child_not_identified_reason": "Caller saw a child at the bus stop; name not known.",
            }
        ),
    )
    assert response.status_code == 302
    assert Contact.objects.get().child_not_identified_reason.startswith("Caller saw")


def test_a_subject_error_lands_on_that_row(signed_in) -> None:
    """The service numbers only the rows sent; the page maps it back to the row typed in."""
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    response = client.post(
        NEW,
        _form(
            **{
                "child-2-given_name": "Cai",
                "child-2-family_name": "Recordtest",
                "child-2-postcode": "NOT A CODE",
            }
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_child-2-postcode"' in page
    assert not Contact.objects.exists()


def test_received_in_the_future_is_refused(signed_in) -> None:
    later = timezone.localtime(clock.now() + timedelta(days=1))
    response = signed_in(Role.MASH_SOCIAL_WORKER).post(
        NEW,
        _form(
            received_date_day=str(later.day),
            received_date_month=str(later.month),
            received_date_year=str(later.year),
        ),
    )
    assert (
        'href="#id_received_date"' in response.content.decode()
        or 'href="#id_received_time"' in response.content.decode()
    )
    assert not Contact.objects.exists()
