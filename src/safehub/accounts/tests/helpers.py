"""Driving the real sign-in pages from tests."""

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from .factories import DEFAULT_PASSWORD

LOGIN_URL = "/accounts/login/"
MFA_URL = "/accounts/2fa/authenticate/"
# Per-request values that differ for every response: CSRF tokens and CSP nonces.
_PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'name="csrf-token" content="[^"]*"'), 'name="csrf-token" content=""'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
]


def post_login(client: Client, email: str, password: str = DEFAULT_PASSWORD, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN_URL, {"login": email, "password": password}, REMOTE_ADDR=ip)


def post_mfa(client: Client, code: str, ip: str = "10.0.0.1") -> Any:
    return client.post(MFA_URL, {"code": code}, REMOTE_ADDR=ip)


def reauthenticate(client: Client, password: str = DEFAULT_PASSWORD) -> Any:
    """Confirm identity with the password, as allauth's step-up page asks (R17)."""
    return client.post(reverse("account_reauthenticate"), {"password": password})


def without_csrf(body: bytes, *replace: str) -> str:
    """The page with CSRF tokens, CSP nonces and any of `replace` (e.g. the typed e-mail) blanked."""
    text = body.decode()
    for pattern, blank in _PER_REQUEST:
        text = pattern.sub(blank, text)
    for value in replace:
        text = text.replace(value, "VALUE")
    return text
