"""Find or create a person (issue 3, item 3): ranked candidates with a probability and a per-field
explanation; "none of these" pre-fills the new record; a MASH user is told a restricted record
matches and can ask for access without learning which record it is (R4, R22, T3)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from safehub.access.models import AccessRequest, AccessRequestStatus
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.tests.factories import indexed_person, restrict

pytestmark = pytest.mark.django_db

FIND = reverse("people:find")


def _query(**changes: str) -> dict[str, str]:
    data = {
        "given_name": "Tomos",
        "family_name": "Findtest",
        "date_of_birth_day": "9",
        "date_of_birth_month": "11",
        "date_of_birth_year": "2014",
        "sex": "1",
        "postcode": "",
        "nhs_number": "",
        "upn": "",
    }
    return data | changes


@pytest.fixture
def tomos(db: object) -> object:
    return indexed_person(
        given_name="Tomos", family_name="Findtest", date_of_birth=date(2014, 11, 9), sex="1"
    )


def test_find_lists_ranked_candidates_with_a_plain_probability_and_the_reasons(signed_in, tomos) -> None:
    indexed_person(given_name="Tomas", family_name="Findtest", date_of_birth=date(2014, 9, 11), sex="1")
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(FIND).status_code == 200
    response = client.post(FIND, _query())
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("FINDTEST, Tomos") < page.index("FINDTEST, Tomas")
    assert re.search(r"FINDTEST, Tomos: (More than 99%|\d+%) likely to be the same person", page)
    assert "Why this match" in page
    assert "Agreed" in page
    assert reverse("people:detail", args=[tomos.pk]) in page  # "This is the person"
    event = AuditEvent.objects.filter(verb=Verb.LIST, section="match").latest("seq")
    assert str(tomos.pk) in event.detail["result_ids"]


def test_bad_input_is_refused_at_the_field(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(FIND, _query(nhs_number="123 456 7890"))
    assert 'href="#id_nhs_number"' in response.content.decode()
    response = client.post(
        FIND, _query(given_name="", date_of_birth_day="", date_of_birth_month="", date_of_birth_year="")
    )
    assert 'href="#id_family_name"' in response.content.decode()
    response = client.post(FIND, _query(upn="X999"))
    assert 'href="#id_upn"' in response.content.decode()


def test_none_of_these_prefills_the_new_record_without_personal_data_in_the_url(signed_in, tomos) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.post(FIND, _query(given_name="Tomo")).content.decode()
    link = re.search(r'href="(/people/new/\?find=[^"]+)"', page).group(1)
    assert "Tomo" not in link
    assert "2014" not in link  # R4: only an opaque token in the address
    form = client.get(link).content.decode()
    assert 'value="Tomo"' in form
    assert 'value="Findtest"' in form
    assert 'value="2014"' in form


def test_readers_without_edit_are_not_offered_to_create(signed_in, tomos) -> None:
    page = signed_in(Role.IRO).post(FIND, _query()).content.decode()
    assert "record a new person" not in page.lower()


def test_find_needs_view_people(signed_in) -> None:
    assert signed_in(Role.REFERRER).get(FIND).status_code == 403


def test_the_search_page_adds_a_person_through_find(signed_in) -> None:
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(reverse("people:search"), {"family_name": "Nobody", "given_name": "X"})
        .content.decode()
    )
    assert reverse("people:find") in page


# --- restricted records -----------------------------------------------------------------------
def test_a_mash_user_is_told_a_restricted_record_matches_and_can_ask_for_access(signed_in, tomos) -> None:
    restrict(tomos)
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    page = client.post(FIND, _query()).content.decode()
    assert "A record you cannot see matches these details" in page
    assert str(tomos.pk) not in page  # neither the id nor any detail of the hidden record (T3)
    assert "FINDTEST, Tomos" not in page
    token = re.search(r'name="find" value="([^"]+)"', page).group(1)
    url = reverse("people:access_request")
    form = client.get(url, {"find": token})
    assert form.status_code == 200
    assert str(tomos.pk) not in form.content.decode()
    assert 'href="#id_reason"' in client.post(url, {"find": token, "reason": ""}).content.decode()
    response = client.post(url, {"find": token, "reason": "Contact from school about this child today"})
    assert response.status_code == 302
    assert response["Location"] == reverse("access:access_requests_mine")
    request = AccessRequest.objects.get()
    assert (request.requester, request.object_id, request.status) == (
        client.user,
        tomos.pk,
        AccessRequestStatus.PENDING,
    )
    mine = client.get(response["Location"]).content.decode()
    assert "Waiting for a decision" in mine
    assert str(tomos.pk) not in mine


def test_other_roles_are_not_told_a_restricted_record_matches(signed_in, tomos) -> None:
    restrict(tomos)
    page = signed_in(Role.SOCIAL_WORKER).post(FIND, _query()).content.decode()
    assert "A record you cannot see" not in page
    assert "FINDTEST, Tomos" not in page


def test_an_unknown_token_cannot_request_access(signed_in) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    assert client.get(reverse("people:access_request"), {"find": "made-up"}).status_code == 404
