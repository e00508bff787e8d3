"""One documented error format for every failure (issue 2 item 9)."""

import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from safehub.access.constants import Level, RestrictionReason
from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.api.errors import _flatten, exception_handler
from safehub.audit.models import AuditEvent
from safehub.people.models import Person
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

from .conftest import assert_error


def _restrict(person: Person, by) -> None:
    RestrictedRecord.objects.create(
        object_type="people.person",
        object_id=person.pk,
        level=Level.SEALED,
        reason=RestrictionReason.HIGH_PROFILE,
        restricted_by=by,
    )


def test_missing_and_forbidden_people_get_the_same_404(key_client, make_person, sysadmin):
    """R19: a sealed record the key may not open is indistinguishable from one that does not exist."""
    client = key_client()
    hidden = make_person()
    _restrict(hidden, sysadmin)
    missing = client.get(reverse("api:person-detail", args=[uuid.uuid4()]))
    forbidden = client.get(reverse("api:person-detail", args=[hidden.pk]))
    a, b = assert_error(missing, 404, "not_found"), assert_error(forbidden, 404, "not_found")
    assert {k: v for k, v in a.items() if k != "request_id"} == {
        k: v for k, v in b.items() if k != "request_id"
    }
    assert set(missing.headers) == set(forbidden.headers)
    # A PATCH cannot probe either.
    patch = client.patch(
        reverse("api:person-detail", args=[hidden.pk]), {"version": 1, "given_name": "X"}, format="json"
    )
    assert_error(patch, 404, "not_found")
    hidden.refresh_from_db()
    assert hidden.given_name != "X"


def test_validation_errors_name_the_field(key_client):
    client = key_client()
    error = assert_error(
        client.post(
            reverse("api:person-create"), {"given_name": "", "date_of_birth": "31/02/2020"}, format="json"
        ),
        400,
        "validation_error",
    )
    assert set(error["fields"]) >= {"given_name", "family_name", "date_of_birth"}
    assert all(isinstance(m, list) and m for m in error["fields"].values())


def test_model_validation_from_a_service_is_a_field_error(key_client):
    """The NHS number check digit is the model's rule; its ValidationError still lands on the field."""
    client = key_client()
    body = {
        "given_name": "Kai",
        "family_name": "Example",
        "date_of_birth": "2019-02-03",
        "nhs_number": "1234567890",
    }
    error = assert_error(
        client.post(reverse("api:person-create"), body, format="json"), 400, "validation_error"
    )
    assert list(error["fields"]) == ["nhs_number"]
    assert not Person.objects.exists()


def test_malformed_json_is_a_parse_error(key_client):
    client = key_client()
    response = client.generic(
        "POST", reverse("api:person-search"), "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_a_role_refusal_is_403(key_client):
    client = key_client(Role.PERFORMANCE_ANALYST)
    assert_error(
        client.post(reverse("api:person-search"), {"nhs_number": "9434765919"}, format="json"),
        403,
        "permission_denied",
    )


def test_a_conflict_is_409_with_who_and_when(key_client, make_person, make_user):
    """R49: a stale version is refused with who changed the record and when; their change survives."""
    client = key_client()
    person = make_person()
    other = make_user(Role.SOCIAL_WORKER, full_name="Priya Colleague")
    from safehub.people.services import person_update

    person_update(actor=other, person=person, expected_version=1, preferred_name="Ami")
    url = reverse("api:person-detail", args=[person.pk])
    error = assert_error(
        client.patch(url, {"version": 1, "given_name": "Amy"}, format="json"), 409, "conflict"
    )
    conflict = error["conflict"]
    assert conflict["changed_by"] == "Priya Colleague"
    assert conflict["changed_at"]
    assert conflict["current_version"] == 2
    assert conflict["your_version"] == 1
    assert "Priya Colleague" in error["message"]
    person.refresh_from_db()
    assert (person.given_name, person.preferred_name, person.version) == ("Amara", "Ami", 2)


def test_an_unexpected_failure_is_a_500_in_the_same_format_with_no_data(key_client, make_person):
    """R28: when the audit write fails, the caller gets an error and none of the record."""
    client = key_client()
    person = make_person(family_name="Unleakable")
    with mock.patch("safehub.people.selectors.record_event", side_effect=RuntimeError("audit down")):
        response = client.get(reverse("api:person-detail", args=[person.pk]))
    assert_error(response, 500, "server_error")
    assert b"Unleakable" not in response.content
    assert b"audit down" not in response.content


def test_failed_writes_leave_nothing_behind(key_client):
    """R50: an audit failure inside a create rolls the new person back."""
    client = key_client()
    body = {"given_name": "Kai", "family_name": "Rollback", "date_of_birth": "2019-02-03"}
    with mock.patch("safehub.people.services.person.record_event", side_effect=RuntimeError("audit down")):
        assert_error(client.post(reverse("api:person-create"), body, format="json"), 500, "server_error")
    assert not Person.objects.filter(family_name="Rollback").exists()
    assert not AuditEvent.objects.filter(object_type="people.person").exists()


# --- the handler on its own -----------------------------------------------------------------


def _handle(exc: Exception) -> dict:
    request = APIRequestFactory().get("/")
    request.request_id = "req123"
    response = exception_handler(exc, {"request": request})
    body = response.data
    assert body["error"]["status"] == response.status_code
    assert body["error"]["request_id"] == "req123"
    return body["error"]


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (NotFoundOrForbidden(), 404, "not_found"),
        (PermissionRefused(), 403, "permission_denied"),
        (DjangoValidationError({"family_name": ["Bad"]}), 400, "validation_error"),
        (DjangoValidationError("Bad"), 400, "validation_error"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.Throttled(wait=3), 429, "throttled"),
        (exceptions.UnsupportedMediaType("text/plain"), 415, "unsupported_media_type"),
    ],
)
def test_the_handler_maps_each_exception(db, exc, status, code):
    error = _handle(exc)
    assert (error["status"], error["code"]) == (status, code)


def test_404_does_not_echo_the_exception_text(db):
    assert _handle(NotFoundOrForbidden("person 123 is sealed"))["message"] == "Not found."


def test_django_non_field_errors_are_listed_under_non_field_errors(db):
    assert _handle(DjangoValidationError("Whole form"))["fields"] == {"non_field_errors": ["Whole form"]}
    error = _handle(DjangoValidationError({"__all__": ["Whole"], "sex": ["Bad"]}))
    assert error["fields"] == {"non_field_errors": ["Whole"], "sex": ["Bad"]}


def test_nested_drf_errors_are_flattened_to_dotted_paths():
    detail = {"name": ["Required"], "address": {"postcode": ["Bad"]}, "items": [{}, {"code": ["Unknown"]}]}
    assert _flatten(detail) == {
        "name": ["Required"],
        "address.postcode": ["Bad"],
        "items.1.code": ["Unknown"],
    }


def test_conflict_detail_lists_changed_fields_but_never_their_values(db):
    exc = ConflictError(
        instance=None,
        expected_version=1,
        current_version=2,
        changed_by="A Person",
        changed_at=None,
        changes={"family name": ("Secretname", "Othername")},
    )
    error = _handle(exc)
    assert error["conflict"]["changed_fields"] == ["family name"]
    assert "Secretname" not in str(error)
