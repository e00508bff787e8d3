"""Recording and changing a person, and the conflict page when two people edit at once (R49)."""

import uuid
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.models import Person
from safehub.people.tests.factories import PersonFactory, restrict

pytestmark = pytest.mark.django_db


def _form(person: Person | None = None, **changes: str) -> dict[str, str]:
    data = {
        "given_name": "Aled",
        "family_name": "Testperson",
        "preferred_name": "",
        "date_of_birth_day": "14",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2015",
        "sex": "1",
        "nhs_number": "943 476 5919",
    }
    if person is not None:
        data["version"] = str(person.version)
    data.update(changes)
    return data


def test_create_records_a_person_and_goes_to_their_page(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(reverse("people:create")).status_code == 200
    response = client.post(reverse("people:create"), _form())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.given_name, person.date_of_birth, person.nhs_number) == (
        "Aled",
        date(2015, 3, 14),
        "9434765919",
    )
    assert person.updated_by == client.user
    assert AuditEvent.objects.filter(verb=Verb.CREATE, object_id=str(person.pk), actor=client.user).exists()


def test_create_an_unborn_child(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    data = _form(
        date_of_birth_day="",
        date_of_birth_month="",
        date_of_birth_year="",
        sex="9",
        nhs_number="",
        given_name="Unborn",
        expected_date_of_birth_day="1",
        expected_date_of_birth_month="9",
        expected_date_of_birth_year="2099",
    )
    assert client.post(reverse("people:create"), data).status_code == 302
    assert Person.objects.get().expected_date_of_birth == date(2099, 9, 1)


def test_create_without_any_date_shows_the_model_rule_and_saves_nothing(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    data = _form(date_of_birth_day="", date_of_birth_month="", date_of_birth_year="")
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "expected date of birth" in response.content.decode()
    assert not Person.objects.exists()


def test_create_with_a_bad_nhs_number_saves_nothing(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(reverse("people:create"), _form(nhs_number="943 476 5918"))
    assert "Enter a valid NHS number" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_PARTNER, Role.IG_OFFICER])
def test_roles_without_edit_people_are_refused(signed_in, role) -> None:
    client = signed_in(role)
    person = PersonFactory()
    assert client.get(reverse("people:create")).status_code == 403
    assert client.post(reverse("people:create"), _form()).status_code == 403
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403
    assert not Person.objects.exclude(pk=person.pk).exists()


def test_edit_prefills_the_form_with_the_version(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(given_name="Aled", date_of_birth=date(2015, 3, 14))
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert 'value="Aled"' in html
    assert 'name="version" value="1"' in html
    assert 'name="date_of_birth_year" type="text" inputmode="numeric" spellcheck="false" value="2015"' in html


def test_edit_saves_and_moves_the_version_on(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory()
    response = client.post(reverse("people:edit", args=[person.pk]), _form(person, preferred_name="Al"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.preferred_name, person.version) == ("Al", 2)
    assert AuditEvent.objects.filter(verb=Verb.UPDATE, object_id=str(person.pk)).exists()


def test_edit_without_a_version_is_refused(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(given_name="Bethan")
    data = _form(person)
    del data["version"]
    response = client.post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert "Open the record again" in response.content.decode()
    person.refresh_from_db()
    assert person.given_name == "Bethan"


def test_edit_is_404_for_unknown_and_restricted_people(signed_in) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    hidden = restrict(PersonFactory(), Level.RESTRICTED)
    for pk in (uuid.uuid4(), hidden.object_id):
        assert client.get(reverse("people:edit", args=[pk])).status_code == 404
        assert client.post(reverse("people:edit", args=[pk]), _form(version="1")).status_code == 404


def test_two_people_editing_at_once_the_second_sees_a_conflict(signed_in, make_user) -> None:
    """R49: both open version 1; the first save survives, the second gets the conflict page naming
    the first user, with their change beside the second user's, and nothing of the second is saved."""
    first = signed_in(Role.SOCIAL_WORKER, full_name="Riley Haddon")
    second = Client()
    second.force_login(make_user(Role.TEAM_MANAGER, full_name="Jamie Fairlie"))
    person = PersonFactory(
        given_name="Aled",
        family_name="Testperson",
        preferred_name="",
        date_of_birth=date(2015, 3, 14),
        sex="1",
        nhs_number="9434765919",
    )
    url = reverse("people:edit", args=[person.pk])
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()

    assert first.post(url, _form(person, preferred_name="Al")).status_code == 302
    response = second.post(url, _form(person, family_name="Testperson-Jones"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "This record was changed by Riley Haddon at" in html
    assert "after you opened it" in html
    assert "Their changes and yours" in html
    assert "Testperson-Jones" in html  # their own typing is kept in the form
    assert '<span class="govuk-caption-l">Aled Testperson</span>' in html  # the saved name heads the page
    assert 'name="version" value="2"' in html  # a deliberate second save goes on top of what they saw
    person.refresh_from_db()
    assert (person.preferred_name, person.family_name, person.version) == ("Al", "Testperson", 2)

    # Having seen the conflict, the second user can save over it on purpose.
    assert second.post(url, _form(person, family_name="Testperson-Jones")).status_code == 302
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("Testperson-Jones", 3)
