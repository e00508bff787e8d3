"""API authentication: keys (R24) and MFA-verified staff sessions (R7)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from safehub.accounts.constants import Role
from safehub.api.models import ApiKey
from safehub.api.services import api_key_revoke
from safehub.audit.constants import Outcome, Verb
from safehub.audit.models import AuditEvent
from safehub.platform import clock

from .conftest import assert_error

ME = "/api/v1/me/"


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_valid_key_acts_as_its_user(key_client):
    client = key_client(Role.SOCIAL_WORKER)
    response = client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(client.key.user_id)
    assert body["role"] == Role.SOCIAL_WORKER
    assert body["authentication"] == "api_key"
    assert body["key"]["prefix"] == client.key.prefix


def test_a_valid_key_records_when_it_was_last_used(key_client):
    client = key_client()
    assert client.key.last_used_at is None
    with time_machine.travel(clock.now() + timedelta(minutes=5), tick=False):
        client.get(ME)
        client.key.refresh_from_db()
        assert client.key.last_used_at == clock.now()


def test_last_used_never_moves_backwards(key_client):
    """The filtered UPDATE only moves the time forward, so a slow earlier request cannot undo a later one."""
    client = key_client()
    later = clock.now() + timedelta(hours=1)
    ApiKey.objects.filter(pk=client.key.pk).update(last_used_at=later)
    client.get(ME)
    client.key.refresh_from_db()
    assert client.key.last_used_at == later


def test_no_credentials_is_401_with_a_bearer_challenge(db):
    response = APIClient().get(ME)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer shk_nonsense",
        "Bearer shk_abcdefgh_tooshort",
        "Bearer a b",
        "Bearer shk_ABCDEFGH_" + "x" * 40,
    ],
)
def test_a_malformed_token_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_error(client.get(ME), 401, "authentication_failed")


def test_a_wrong_secret_is_401_and_audited_against_the_key(key_client):
    client = key_client()
    prefix = client.key.prefix
    wrong = f"shk_{prefix}_{'A' * 40}"
    error = assert_error(_bearer(wrong).get(ME), 401, "authentication_failed")
    event = AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED).get()
    assert event.outcome == Outcome.FAILURE
    assert event.object_id == str(client.key.pk)
    assert event.reason == "wrong secret"
    assert "A" * 40 not in str(event.__dict__)
    # The message is the same whatever went wrong, so it tells an attacker nothing.
    assert (
        error["message"]
        == assert_error(_bearer("shk_zzzzzzzz_" + "A" * 40).get(ME), 401, "authentication_failed")["message"]
    )


def test_an_unknown_prefix_is_401_and_not_audited(db):
    assert_error(_bearer("shk_zzzzzzzz_" + "A" * 40).get(ME), 401, "authentication_failed")
    assert not AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED).exists()


def test_an_expired_key_is_401(key_client):
    client = key_client(lifetime=timedelta(days=1))
    with time_machine.travel(clock.now() + timedelta(days=1, seconds=1)):
        assert_error(client.get(ME), 401, "authentication_failed")
    assert AuditEvent.objects.get(verb=Verb.LOGIN_FAILED).reason == "key expired"


def test_a_revoked_key_is_401(key_client, sysadmin):
    client = key_client()
    assert client.get(ME).status_code == 200
    api_key_revoke(actor=sysadmin, key=client.key)
    assert_error(client.get(ME), 401, "authentication_failed")
    assert AuditEvent.objects.get(verb=Verb.LOGIN_FAILED).reason == "key revoked"


def test_a_key_whose_user_is_deactivated_is_401(key_client):
    """R12: deactivating the system user stops its keys at once."""
    client = key_client()
    user = client.key.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error(client.get(ME), 401, "authentication_failed")
    assert AuditEvent.objects.get(verb=Verb.LOGIN_FAILED).reason == "acting user deactivated"


def test_key_requests_are_audited_on_the_api_channel_with_the_key_named(key_client, make_person):
    client = key_client()
    person = make_person()
    assert client.get(reverse("api:person-detail", args=[person.pk])).status_code == 200
    event = AuditEvent.objects.get(verb=Verb.VIEW, object_id=str(person.pk))
    assert event.channel == "api"
    assert event.actor_id == client.key.user_id
    assert event.session_hash == f"key:{client.key.prefix}"


def test_a_session_with_a_second_factor_may_use_the_api(session_client):
    client = session_client(Role.SOCIAL_WORKER)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["authentication"] == "session"
    assert response.json()["scopes"] == []


def test_a_session_without_a_second_factor_is_refused(session_client):
    """R7: MFA is mandatory on the API as everywhere else; a session without it gets nothing."""
    client = session_client(Role.SOCIAL_WORKER, mfa=False)
    assert_error(client.get(ME), 403, "mfa_required")
    assert_error(client.get("/api/v1/schema/"), 403, "mfa_required")


def test_a_session_must_send_the_csrf_token_on_writes(session_client):
    """A page on another site cannot drive the API with a staff member's cookie."""
    client = session_client(Role.SOCIAL_WORKER, csrf=True)
    body = {"family_name": "Testperson", "given_name": "Amara"}
    error = assert_error(client.post("/api/v1/people/search/", body, format="json"), 403, "permission_denied")
    assert "CSRF" in error["message"]
    # A staff page's JavaScript sends the token from the page's csrf-token meta tag.
    token = "a" * 32
    client.cookies["__Host-csrftoken"] = token
    response = client.post("/api/v1/people/search/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_a_key_request_needs_no_csrf_token(key_client):
    client = key_client()
    client.handler.enforce_csrf_checks = True
    body = {"family_name": "Testperson", "given_name": "Amara"}
    assert client.post("/api/v1/people/search/", body, format="json").status_code == 200
