"""The Disabilities section of the person page: listed with the date recorded, recorded and withdrawn
through the services, the census rules shown at the field, and the same permissions as the rest of
the record (R18: 403 without EDIT_PEOPLE; R19, R22: a person or row the user may not change is a 404).
"""

from datetime import date

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.people import services
from safehub.people.constants import DisabilityCode
from safehub.people.models import Person, PersonDisability
from safehub.people.tests.factories import audit_events_on, indexed_person, restrict
from safehub.platform import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db: object) -> Person:
    return indexed_person(given_name="Ffion", family_name="Testperson", date_of_birth=date(2015, 3, 14))


def _add_url(person: Person) -> str:
    return reverse("people:disability_add", args=[person.pk])


def _remove_url(person: Person, row_id: object) -> str:
    return reverse("people:disability_remove", args=[person.pk, row_id])


def _form(code: str, recorded: date | None = None) -> dict[str, str]:
    data = {"code": code, "source_agency": ""}
    for part in ("day", "month", "year"):
        data[f"recorded_on_{part}"] = str(getattr(recorded, part)) if recorded else ""
    return data


def test_the_page_lists_current_disabilities_with_their_date(signed_in, person) -> None:
    actor = person.updated_by
    services.person_disability_add(
        actor=actor, person=person, code=DisabilityCode.AUT, recorded_on=date(2024, 5, 7)
    )
    withdrawn = services.person_disability_add(actor=actor, person=person, code=DisabilityCode.HEAR)
    services.person_disability_remove(actor=actor, disability=withdrawn, reason="Recorded in error")

    page = signed_in(Role.SOCIAL_WORKER).get(reverse("people:detail", args=[person.pk])).content.decode()

    assert 'id="disabilities"' in page
    assert "Autism or Asperger syndrome" in page
    assert "7 May 2024" in page
    assert "Hearing" not in page
    assert _add_url(person) in page
    assert _remove_url(person, PersonDisability.objects.get(code="AUT").pk) in page


def test_readers_without_edit_see_the_section_but_no_change_links(signed_in, person) -> None:
    row = services.person_disability_add(actor=person.updated_by, person=person, code=DisabilityCode.NONE)
    page = signed_in(Role.IRO).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "No disability" in page
    assert _add_url(person) not in page
    assert _remove_url(person, row.pk) not in page


def test_record_a_disability(signed_in, person) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    form = client.get(_add_url(person)).content.decode()
    assert "Record a disability" in form
    assert "Autism or Asperger syndrome" in form

    response = client.post(_add_url(person), _form(DisabilityCode.LD, date(2025, 1, 2)))

    assert response.status_code == 302
    assert response["Location"].endswith("#disabilities")
    row = PersonDisability.objects.get(person=person)
    assert (row.code, row.recorded_on, row.updated_by) == ("LD", date(2025, 1, 2), client.user)
    assert [e.verb for e in audit_events_on(person, "disabilities")] == ["create"]


def test_a_blank_date_is_today(signed_in, person) -> None:
    assert signed_in(Role.SOCIAL_WORKER).post(_add_url(person), _form(DisabilityCode.VIS)).status_code == 302
    assert PersonDisability.objects.get(person=person).recorded_on == clock.today()


def test_no_disability_beside_another_is_refused_at_the_field(signed_in, person) -> None:
    """DfE rule 8790, told where the user chose the code, with what to do about it."""
    services.person_disability_add(actor=person.updated_by, person=person, code=DisabilityCode.MOB)
    response = signed_in(Role.SOCIAL_WORKER).post(_add_url(person), _form(DisabilityCode.NONE))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert 'href="#id_code' in page
    assert "cannot be recorded with another disability" in page
    assert list(PersonDisability.objects.values_list("code", flat=True)) == ["MOB"]


def test_a_code_recorded_twice_is_refused_at_the_field(signed_in, person) -> None:
    """DfE rule 8794."""
    services.person_disability_add(actor=person.updated_by, person=person, code=DisabilityCode.COMM)
    page = signed_in(Role.SOCIAL_WORKER).post(_add_url(person), _form(DisabilityCode.COMM)).content.decode()
    assert "already recorded for this person" in page
    assert PersonDisability.objects.count() == 1


def test_a_date_in_the_future_or_no_code_is_refused_at_the_field(signed_in, person) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    future = clock.today().replace(year=clock.today().year + 1)
    page = client.post(_add_url(person), _form(DisabilityCode.LD, future)).content.decode()
    assert 'href="#id_recorded_on' in page
    page = client.post(_add_url(person), _form("")).content.decode()
    assert 'href="#id_code' in page
    assert not PersonDisability.objects.exists()


def test_withdraw_a_disability_needs_a_reason(signed_in, person) -> None:
    row = services.person_disability_add(actor=person.updated_by, person=person, code=DisabilityCode.BEH)
    client = signed_in(Role.SOCIAL_WORKER)
    url = _remove_url(person, row.pk)
    form = client.get(url).content.decode()
    assert "Withdraw a disability" in form
    assert "Behaviour" in form

    assert 'href="#id_reason"' in client.post(url, {"reason": "", "version": row.version}).content.decode()
    response = client.post(url, {"reason": "No longer the case", "version": row.version})

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.removed_at is not None
    assert row.removed_reason == "No longer the case"
    # Withdrawn twice (an old tab): told so, nothing changes.
    page = client.post(url, {"reason": "Again", "version": row.version}).content.decode()
    assert "already been withdrawn" in page
    row.refresh_from_db()
    assert row.removed_reason == "No longer the case"


@pytest.mark.parametrize("route", ["add", "remove"])
def test_the_forms_need_edit_people_and_a_person_the_user_may_change(signed_in, person, route) -> None:
    """R18: an IRO may view people but not change them (403). R19, R22: a restricted person, or a
    disability that is not this person's, is a 404 like a missing one."""
    row = services.person_disability_add(actor=person.updated_by, person=person, code=DisabilityCode.DDA)
    url = _add_url(person) if route == "add" else _remove_url(person, row.pk)
    assert signed_in(Role.IRO).get(url).status_code == 403
    assert signed_in(Role.IRO).post(url, {}).status_code == 403
    other = indexed_person(given_name="Gwen", family_name="Testperson", date_of_birth=date(2012, 1, 1))
    assert signed_in(Role.SOCIAL_WORKER).get(_remove_url(other, row.pk)).status_code == 404
    restrict(person)
    assert signed_in(Role.SOCIAL_WORKER).get(url).status_code == 404
    assert signed_in(Role.SOCIAL_WORKER).post(url, {"reason": "x", "code": "LD"}).status_code == 404
    assert PersonDisability.objects.filter(removed_at__isnull=True).count() == 1
