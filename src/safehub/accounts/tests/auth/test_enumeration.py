"""R10: sign-in and password reset answer the same for a known and an unknown address."""

import pytest
from django.test import Client

from safehub.accounts.tests.helpers import post_login, without_csrf

KNOWN = "known.person@example.test"
UNKNOWN = "nobody.known@example.test"


@pytest.fixture
def known(make_user):
    return make_user(email=KNOWN)


def test_login_failure_is_identical_for_known_and_unknown(known):
    """R10: same status and same page (bar the CSRF token and the echoed address)."""
    for_known = post_login(Client(), KNOWN, "a wrong password for sure")
    for_unknown = post_login(Client(), UNKNOWN, "a wrong password for sure")
    assert for_known.status_code == for_unknown.status_code == 200
    assert without_csrf(for_known.content, KNOWN) == without_csrf(for_unknown.content, UNKNOWN)


def test_password_reset_request_is_identical_for_known_and_unknown(known):
    """R10: the reset request never says whether the address has an account."""
    responses = []
    for email in (KNOWN, UNKNOWN):
        client = Client()
        response = client.post("/accounts/password/reset/", {"email": email})
        assert response.status_code == 302
        page = client.get(response.url)
        responses.append((response.url, page.status_code, without_csrf(page.content, email)))
    assert responses[0] == responses[1]
