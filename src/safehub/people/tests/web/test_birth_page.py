"""The "record the birth" page: /people/<id>/birth/ (issue 5)."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.people.constants import Sex
from safehub.people.models import Person
from safehub.people.tests.factories import PersonFactory, restrict

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 11)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


def _unborn() -> Person:
    return PersonFactory(
        given_name="Baby",
        family_name="Quenby",
        date_of_birth=None,
        expected_date_of_birth=TODAY,
        sex=Sex.UNBORN,
    )


def _form(person: Person, day: date = TODAY, **changes: str) -> dict[str, str]:
    data = {
        "date_of_birth_day": str(day.day),
        "date_of_birth_month": str(day.month),
        "date_of_birth_year": str(day.year),
        "given_name": "Ada",
        "family_name": "",
        "sex": Sex.FEMALE,
        "version": str(person.version),
    }
    data.update(changes)
    return data


def test_the_person_page_links_to_it_only_for_an_unborn_child(signed_in: Any) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    unborn, born = _unborn(), PersonFactory()
    link = 'href="{}"'
    page = client.get(reverse("people:detail", args=[unborn.pk])).content.decode()
    assert link.format(reverse("people:record_birth", args=[unborn.pk])) in page
    page = client.get(reverse("people:detail", args=[born.pk])).content.decode()
    assert link.format(reverse("people:record_birth", args=[born.pk])) not in page


def test_recording_the_birth_goes_back_to_the_same_record(signed_in: Any) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = _unborn()
    url = reverse("people:record_birth", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(person, TODAY - timedelta(days=1)))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    person.refresh_from_db()
    assert (person.date_of_birth, person.given_name, person.sex) == (
        TODAY - timedelta(days=1),
        "Ada",
        Sex.FEMALE,
    )


def test_errors_are_shown_at_the_date(signed_in: Any) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = _unborn()
    response = client.post(
        reverse("people:record_birth", args=[person.pk]), _form(person, TODAY - timedelta(weeks=30))
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "more than 24 weeks before the expected date" in page
    assert 'href="#id_date_of_birth"' in page


def test_a_save_since_the_page_was_opened_shows_who_changed_it(signed_in: Any, make_user: Any) -> None:
    """R49: the second submit from the same version is refused, saying who changed the record."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = _unborn()
    stale = _form(person, given_name="Eve")
    other = make_user(Role.TEAM_MANAGER, mfa=False, full_name="Synthetic Manager")
    person.given_name = "Bea"
    person.version += 1
    person.updated_by = other
    person.save()
    response = client.post(reverse("people:record_birth", args=[person.pk]), stale)
    assert response.status_code == 200
    assert "changed by Synthetic Manager" in response.content.decode()
    person.refresh_from_db()
    assert (person.given_name, person.date_of_birth) == ("Bea", None)


def test_a_born_child_gets_a_page_that_says_so(signed_in: Any) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    born = PersonFactory(date_of_birth=date(2020, 1, 1))
    url = reverse("people:record_birth", args=[born.pk])
    assert "The birth is already recorded: born 1 January 2020" in client.get(url).content.decode()
    assert client.post(url, _form(born)).status_code == 200
    born.refresh_from_db()
    assert born.date_of_birth == date(2020, 1, 1)


@pytest.mark.parametrize(("role", "status"), [(Role.IRO, 403), (Role.MASH_PARTNER, 403)])
def test_roles_that_may_not_edit_people_are_refused(signed_in: Any, role: str, status: int) -> None:
    person = _unborn()
    assert signed_in(role).get(reverse("people:record_birth", args=[person.pk])).status_code == status


def test_a_restricted_record_is_not_found(signed_in: Any) -> None:
    """R19: a record restricted from the user is a 404, like one that does not exist."""
    person = _unborn()
    restrict(person)
    assert (
        signed_in(Role.SOCIAL_WORKER).get(reverse("people:record_birth", args=[person.pk])).status_code == 404
    )
