"""Signed-in clients for the learning pages, and the helpers the page tests share."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.tests.factories import enrol_totp


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    """Sign `user` in (with the second factor every staff account must have) and answer the client."""

    def _login(user: Any) -> Any:
        from allauth.mfa.models import Authenticator

        if not Authenticator.objects.filter(user=user).exists():
            enrol_totp(user)
        client.force_login(user)
        return client

    return _login


def url(name: str, *args: Any) -> str:
    return reverse(f"learning:{name}", args=[getattr(a, "pk", a) for a in args])


def day(prefix: str, value: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }
