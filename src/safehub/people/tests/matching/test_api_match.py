"""POST /api/v1/people/match: authentication, validation, ranking, restricted records (R4, R22, R24)."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from safehub.accounts.constants import Role
from safehub.api.constants import Scope
from safehub.api.tests.factories import api_key
from safehub.audit.models import AuditEvent
from safehub.people.constants import IdentifierKind
from safehub.people.models import PersonIdentifier
from safehub.people.tests.factories import indexed_person, restrict

pytestmark = pytest.mark.django_db

URL = reverse("api:person-match")
QUERY = {"given_name": "Amara", "family_name": "Okafor", "date_of_birth": "2015-05-17", "sex": "F"}


def test_the_route_is_the_agreed_interface() -> None:
    assert URL == "/api/v1/people/match"


def _client(make_user: Any, role: str = Role.SOCIAL_WORKER) -> APIClient:
    client = APIClient()
    client.force_login(make_user(role))
    return client


def _key_client(role: str = Role.SOCIAL_WORKER, scopes: list[str] | None = None) -> APIClient:
    _, token = api_key(role=role, scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_ranked_candidates_with_probability_identifiers_and_explanation(make_user: Any) -> None:
    amara = indexed_person(given_name="Amara", family_name="Okafor", date_of_birth=date(2015, 5, 17))
    PersonIdentifier.objects.create(
        person=amara, kind=IdentifierKind.AGENCY_ID, value="SCH-0042", issuing_agency=make_user().agency
    )
    indexed_person(given_name="Amaka", family_name="Okafor", date_of_birth=date(2013, 1, 2))

    response = _client(make_user).post(URL, {**QUERY, "given_name": "Amarra"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"candidates", "restricted_matches", "model_version"}
    first = body["candidates"][0]
    assert set(first) == {"person_id", "probability", "identifiers", "explanation"}
    assert first["person_id"] == str(amara.pk)
    assert {"agency": "nhs_number", "value": amara.nhs_number} in first["identifiers"]
    assert any(
        i["value"] == "SCH-0042" and i["agency"] not in ("nhs_number", "upn") for i in first["identifiers"]
    )
    fields = {e["field"]: e for e in first["explanation"]}
    assert fields["family_name"]["outcome"] == "agreed"
    assert fields["given_name"]["outcome"] == "partly agreed"
    assert set(fields["nhs_number"]) == {"field", "outcome", "level", "weight"}
    probabilities = [c["probability"] for c in body["candidates"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert len(probabilities) <= 10
    assert body["restricted_matches"] == 0
    assert body["model_version"] == 0
    assert AuditEvent.objects.get(section="match").detail["result_ids"] == [
        c["person_id"] for c in body["candidates"]
    ]


def test_bad_input_is_a_400_with_the_reason_at_each_field(make_user: Any) -> None:
    response = _client(make_user).post(
        URL,
        {"family_name": "Okafor", "date_of_birth": "2015-02-30", "nhs_number": "9434765918", "upn": "X"},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"date_of_birth", "nhs_number", "upn"}
    assert "not a real date" in fields["date_of_birth"][0]


def test_too_little_to_match_on_is_refused(make_user: Any) -> None:
    response = _client(make_user).post(URL, {"postcode": "SW1A 1AA"}, format="json")
    assert response.status_code == 400
    assert "family_name" in response.json()["error"]["fields"]


def test_overlong_values_are_refused_by_the_serializer(make_user: Any) -> None:
    response = _client(make_user).post(URL, {**QUERY, "family_name": "x" * 101}, format="json")
    assert response.status_code == 400
    assert "family_name" in response.json()["error"]["fields"]


def test_anonymous_callers_are_refused() -> None:
    assert APIClient().post(URL, QUERY, format="json").status_code in (401, 403)


def test_a_role_without_the_search_function_is_refused(make_user: Any) -> None:
    response = _client(make_user, Role.PERFORMANCE_ANALYST).post(URL, QUERY, format="json")
    assert response.status_code == 403


def test_an_api_key_needs_the_people_read_scope() -> None:
    assert _key_client(scopes=[Scope.PEOPLE_READ]).post(URL, QUERY, format="json").status_code == 200
    assert _key_client(scopes=[Scope.ME_READ]).post(URL, QUERY, format="json").status_code == 403


def test_get_is_not_allowed(make_user: Any) -> None:
    assert _client(make_user).get(URL).status_code in (403, 405)


def test_a_restricted_match_is_hidden_and_only_mash_is_told(make_user: Any) -> None:
    twin = indexed_person(given_name="Amara", family_name="Okafor", date_of_birth=date(2015, 5, 17))
    restrict(twin)
    worker = _client(make_user).post(URL, QUERY, format="json").json()
    mash = _client(make_user, Role.MASH_MANAGER).post(URL, QUERY, format="json").json()
    assert worker == {"candidates": [], "restricted_matches": 0, "model_version": 0}
    assert mash == {"candidates": [], "restricted_matches": 1, "model_version": 0}
