"""Helpers for the access web tests: a fresh step-up, and the URL of a person's emergency page."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def reauthenticate() -> Callable[[Any], None]:
    """Confirm the password through allauth's own re-authentication page (R17)."""

    def _reauthenticate(client: Any) -> None:
        response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]

    return _reauthenticate


@pytest.fixture
def client_factory(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A second, independent signed-in client (for four-eyes flows)."""
    from django.test import Client

    def _client(role: str) -> Any:
        other = Client()
        other.user = make_user(role)
        other.force_login(other.user)
        return other

    return _client
