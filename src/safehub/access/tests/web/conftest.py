"""Helpers for the access web tests: a second client, and the URL of a person's emergency page."""

from collections.abc import Callable
from typing import Any

import pytest


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
