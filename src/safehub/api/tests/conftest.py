"""Fixtures for the API tests: keys acting as system users, API clients, synthetic people."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import nhs_number
import pytest
from rest_framework.test import APIClient

from safehub.accounts.constants import Role
from safehub.api.models import ApiKey
from safehub.people.models import Person

from .factories import api_key


def synthetic_nhs_number() -> str:
    """A checksum-valid number from the synthetic (test) range, never a real person's (T18)."""
    return str(nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC)[0])


@pytest.fixture
def sysadmin(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SYSADMIN)


@pytest.fixture
def make_key(make_user: Callable[..., Any], sysadmin: Any) -> Callable[..., tuple[ApiKey, str]]:
    """A key acting as a new system user of `role` (no second factor: it never signs in)."""

    def _make(
        role: str = Role.SOCIAL_WORKER,
        *,
        scopes: list[str] | None = None,
        lifetime: timedelta = timedelta(days=30),
        user: Any = None,
        name: str = "Partner feed",
    ) -> tuple[ApiKey, str]:
        acting = user or make_user(role, mfa=False, full_name="Partner system")
        return api_key(created_by=sysadmin, user=acting, scopes=scopes, lifetime=lifetime, name=name)

    return _make


@pytest.fixture
def key_client(make_key: Callable[..., tuple[ApiKey, str]]) -> Callable[..., APIClient]:
    """An API client that sends a new key's token; `client.key` is the key."""

    def _client(role: str = Role.SOCIAL_WORKER, **kwargs: Any) -> APIClient:
        key, token = make_key(role, **kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.key = key  # type: ignore[attr-defined]
        client.token = token  # type: ignore[attr-defined]
        return client

    return _client


@pytest.fixture
def session_client(make_user: Callable[..., Any]) -> Callable[..., APIClient]:
    """An API client signed in as a new user of `role` (with TOTP unless mfa=False)."""

    def _client(role: str = Role.SOCIAL_WORKER, *, mfa: bool = True, csrf: bool = False) -> APIClient:
        user = make_user(role, mfa=mfa)
        client = APIClient(enforce_csrf_checks=csrf)
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return _client


@pytest.fixture
def make_person(db: Any) -> Callable[..., Person]:
    def _make(**fields: Any) -> Person:
        values: dict[str, Any] = {
            "given_name": "Amara",
            "family_name": "Testperson",
            "date_of_birth": date(2015, 5, 17),
            "sex": "2",
            "nhs_number": synthetic_nhs_number(),
        }
        values.update(fields)
        return Person.objects.create(**values)

    return _make


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an error in the one documented format; returns its `error` object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    return error
