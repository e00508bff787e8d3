"""People over the API: search, read, create, change; every read audited (R4, R27, R45, R49)."""

import datetime

from django.urls import get_resolver, reverse

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.constants import SEARCH_RESULT_CAP
from safehub.people.models import Person

from ..conftest import assert_error, synthetic_nhs_number

SEARCH = reverse("api:person-search")
CREATE = reverse("api:person-create")


def test_search_returns_matches_and_audits_the_result_ids(key_client, make_person):
    client = key_client()
    match = make_person(family_name="Okafor", given_name="Ada")
    make_person(family_name="Okafor", given_name="Ben")
    response = client.post(SEARCH, {"family_name": "okafor", "given_name": "Ad"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["results"]] == [str(match.pk)]
    assert body["truncated"] is False
    event = AuditEvent.objects.get(verb=Verb.LIST)
    assert event.channel == "api"
    assert event.actor_id == client.key.user_id
    assert event.detail["result_ids"] == [str(match.pk)]
    assert "Okafor" not in str(event.detail)


def test_search_by_nhs_number_alone(key_client, make_person):
    number = synthetic_nhs_number()
    person = make_person(nhs_number=number)
    response = key_client().post(SEARCH, {"nhs_number": number}, format="json")
    assert [p["id"] for p in response.json()["results"]] == [str(person.pk)]


def test_search_needs_enough_criteria(key_client):
    """R45: a bare family name, or nothing at all, is refused at the field, and nothing is read."""
    client = key_client()
    error = assert_error(client.post(SEARCH, {}, format="json"), 400, "validation_error")
    assert list(error["fields"]) == ["family_name"]
    error = assert_error(
        client.post(SEARCH, {"family_name": "Okafor"}, format="json"), 400, "validation_error"
    )
    assert list(error["fields"]) == ["date_of_birth"]
    error = assert_error(client.post(SEARCH, {"nhs_number": "12345"}, format="json"), 400, "validation_error")
    assert list(error["fields"]) == ["nhs_number"]
    assert not AuditEvent.objects.filter(verb=Verb.LIST).exists()


def test_search_results_are_capped(key_client, make_person):
    dob = datetime.date(2016, 1, 1)
    for i in range(SEARCH_RESULT_CAP + 1):
        make_person(family_name="Many", given_name=f"Child{i:03}", date_of_birth=dob, nhs_number="")
    body = (
        key_client()
        .post(SEARCH, {"family_name": "Many", "date_of_birth": "2016-01-01"}, format="json")
        .json()
    )
    assert len(body["results"]) == SEARCH_RESULT_CAP
    assert body["truncated"] is True


def test_read_a_person_is_audited_before_it_is_returned(key_client, make_person):
    client = key_client()
    person = make_person()
    response = client.get(reverse("api:person-detail", args=[person.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(person.pk)
    assert body["version"] == 1
    assert set(body) == {
        "id",
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "nhs_number",
        "version",
        "updated_at",
        "names",
        "identifiers",
        "addresses",
        "relationships",
        "risk_flags",
    }
    event = AuditEvent.objects.filter(verb=Verb.VIEW).earliest("seq")
    assert (event.object_type, event.object_id, event.channel) == ("people.person", str(person.pk), "api")


def test_staff_session_reads_are_audited_on_the_api_channel(session_client, make_person):
    client = session_client(Role.SOCIAL_WORKER)
    person = make_person()
    assert client.get(reverse("api:person-detail", args=[person.pk])).status_code == 200
    event = AuditEvent.objects.filter(verb=Verb.VIEW).earliest("seq")
    assert (event.actor_id, event.channel) == (client.user.pk, "api")


def test_create_a_person(key_client):
    client = key_client()
    body = {"given_name": "Kai", "family_name": "Example", "date_of_birth": "2019-02-03", "sex": "1"}
    response = client.post(CREATE, body, format="json")
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.given_name, person.updated_by_id) == ("Kai", client.key.user_id)
    assert AuditEvent.objects.filter(verb=Verb.CREATE, object_id=str(person.pk), channel="api").exists()


def test_create_ignores_fields_it_does_not_accept(key_client):
    """R46: mass assignment of id or version is ignored."""
    body = {"given_name": "Kai", "family_name": "Example", "sex": "0", "version": 99, "id": "not-a-uuid"}
    response = key_client().post(CREATE, body, format="json")
    assert response.status_code == 201
    assert response.json()["version"] == 1


def test_patch_changes_only_the_fields_sent_and_bumps_the_version(key_client, make_person):
    client = key_client()
    person = make_person(preferred_name="")
    url = reverse("api:person-detail", args=[person.pk])
    response = client.patch(url, {"version": 1, "preferred_name": "Ami"}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 2
    person.refresh_from_db()
    assert (person.preferred_name, person.given_name, person.version) == ("Ami", "Amara", 2)
    assert AuditEvent.objects.filter(verb=Verb.UPDATE, section="preferred_name").exists()


def test_patch_requires_the_version_and_a_change(key_client, make_person):
    client = key_client()
    person = make_person()
    url = reverse("api:person-detail", args=[person.pk])
    error = assert_error(client.patch(url, {"preferred_name": "Ami"}, format="json"), 400, "validation_error")
    assert list(error["fields"]) == ["version"]
    error = assert_error(client.patch(url, {"version": 1}, format="json"), 400, "validation_error")
    assert list(error["fields"]) == ["non_field_errors"]
    person.refresh_from_db()
    assert person.version == 1


def test_api_urls_carry_no_personal_data():
    """R4: every API route's parameters are UUIDs, or a MASH reference in its fixed shape (a
    number the hub gives out, not personal data); searches send criteria in the body."""
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api")
    for pattern in api.url_patterns:
        converters = pattern.pattern.converters
        allowed = {"UUIDConverter", "ContactReferenceConverter"}
        assert all(type(c).__name__ in allowed for c in converters.values()), pattern


def test_search_does_not_query_per_result(key_client, make_person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = key_client()
    body = {"family_name": "Counted", "date_of_birth": "2016-01-01"}
    make_person(family_name="Counted", date_of_birth=datetime.date(2016, 1, 1), nhs_number="")
    with CaptureQueriesContext(connection) as one:
        assert len(client.post(SEARCH, body, format="json").json()["results"]) == 1
    for i in range(9):
        make_person(
            family_name="Counted", given_name=f"C{i}", date_of_birth=datetime.date(2016, 1, 1), nhs_number=""
        )
    with CaptureQueriesContext(connection) as ten:
        assert len(client.post(SEARCH, body, format="json").json()["results"]) == 10
    assert len(ten) == len(one)
