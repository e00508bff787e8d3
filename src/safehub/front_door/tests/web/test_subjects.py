"""Linking the people in a contact to the index (issue 4, item 1): the match is a POST (R4);
the worker links a candidate or creates a record; a person can be added to a contact."""

from datetime import date

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.front_door.constants import SubjectRole
from safehub.front_door.models import ContactSubject
from safehub.front_door.tests.factories import ContactFactory, ContactSubjectFactory
from safehub.people.models import Person
from safehub.people.tests.factories import indexed_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def described() -> ContactSubject:
    return ContactSubjectFactory(
        person=None,
        details={"given_name": "Elis", "family_name": "Matchtest", "date_of_birth": "2015-06-01", "sex": "M"},
    )


def _url(subject: ContactSubject) -> str:
    return reverse("front_door:subject_match", args=[subject.contact.pk, subject.pk])


def test_search_is_a_post_and_lists_candidates_in_words(signed_in, described) -> None:
    """R4: the described details go in the POST body; the address holds only ids."""
    person = indexed_person(
        given_name="Elis", family_name="Matchtest", date_of_birth=date(2015, 6, 1), sex="1"
    )
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    page = client.get(_url(described)).content.decode()
    assert "Search the person index" in page
    assert "Matchtest" not in _url(described)
    page = client.post(_url(described), {"action": "search"}).content.decode()
    assert "MATCHTEST, Elis" in page
    assert "likely to be the same person" in page
    assert f'value="{person.pk}"' in page


def test_linking_a_candidate(signed_in, described) -> None:
    person = indexed_person(
        given_name="Elis", family_name="Matchtest", date_of_birth=date(2015, 6, 1), sex="1"
    )
    response = signed_in(Role.MASH_SOCIAL_WORKER).post(
        _url(described), {"action": "link", "person": str(person.pk)}
    )
    assert response.status_code == 302
    described.refresh_from_db()
    assert described.person == person


def test_creating_a_record_from_the_details(signed_in, described) -> None:
    response = signed_in(Role.MASH_MANAGER).post(_url(described), {"action": "create"})
    assert response.status_code == 302
    described.refresh_from_db()
    assert described.person is not None
    assert (described.person.given_name, described.person.family_name) == ("Elis", "Matchtest")


def test_a_subject_of_another_contact_is_a_404(signed_in, described) -> None:
    other = ContactFactory()
    url = reverse("front_door:subject_match", args=[other.pk, described.pk])
    assert signed_in(Role.MASH_SOCIAL_WORKER).get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER])
def test_other_roles_may_not_match(signed_in, described, role) -> None:
    client = signed_in(role)
    assert client.post(_url(described), {"action": "create"}).status_code == 403
    assert not Person.objects.exists()


def test_adding_a_person_then_matching_them(signed_in) -> None:
    contact = ContactFactory()
    url = reverse("front_door:subject_add", args=[contact.pk])
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "subject-role": SubjectRole.OTHER_ADULT,
            "subject-given_name": "Dai",
            "subject-family_name": "Addtest",
            "subject-sex": "M",
            "subject-postcode": "",
        },
    )
    assert response.status_code == 302
    subject = ContactSubject.objects.get(contact=contact)
    assert response["Location"] == reverse("front_door:subject_match", args=[contact.pk, subject.pk])
    assert subject.details["family_name"] == "Addtest"


def test_adding_a_person_shows_service_errors_at_the_field(signed_in) -> None:
    contact = ContactFactory()
    url = reverse("front_door:subject_add", args=[contact.pk])
    response = signed_in(Role.MASH_SOCIAL_WORKER).post(
        url,
        {
            "subject-role": SubjectRole.OTHER_ADULT,
            "subject-family_name": "Addtest",
            "subject-sex": "U",
            "subject-postcode": "NOT A CODE",
        },
    )
    assert 'href="#id_subject-postcode"' in response.content.decode()
    assert not ContactSubject.objects.filter(contact=contact).exists()
