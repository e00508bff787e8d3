"""allauth's screens in the Safehub GOV.UK layout (R7, R10, R12, R14)."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from safehub.accounts.constants import Role
from safehub.accounts.lockout import lockout_response
from safehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def main_of(response) -> str:
    body = response.content.decode()
    return body[body.index('<main class="govuk-main-wrapper') : body.index("</main>")]


def test_login_page_uses_the_govuk_layout_and_offers_no_sign_up(client) -> None:
    response = client.get("/accounts/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in \u2013 Safehub \u2013 " in body
    assert 'class="govuk-header' in body
    assert '<h1 class="govuk-heading-l">Sign in to Safehub</h1>' in body
    assert '<label class="govuk-label" for="id_login">Email</label>' in body
    assert "signup" not in body.lower()
    assert "sign up" not in body.lower()
    assert "/accounts/password/reset/" in body


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("idle", "You were signed out because you had not used Safehub for 30 minutes."),
        ("absolute", "You were signed out because you had been signed in for 10 hours"),
    ],
)
def test_login_page_explains_a_timeout(client, reason, text) -> None:
    """R14: after an automatic sign-out the user is told why."""
    body = client.get(f"/accounts/login/?timeout={reason}").content.decode()
    assert "govuk-notification-banner" in body
    assert text in re.sub(r"\s+", " ", body)


def test_login_page_ignores_unknown_timeout_values(client) -> None:
    assert "You were signed out" not in client.get("/accounts/login/?timeout=<script>").content.decode()


def _normalised_failure(client: Client, email: str) -> tuple[int, str]:
    response = client.post("/accounts/login/", {"login": email, "password": "wrong password entirely"})
    html = main_of(response).replace(email, "EMAIL")
    return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_login_failure_is_identical_for_known_and_unknown_accounts() -> None:
    """R10: the page does not say whether an account exists."""
    user = UserFactory(role=Role.SOCIAL_WORKER)
    known = _normalised_failure(Client(), user.email)
    unknown = _normalised_failure(Client(), "nobody-here@example.test")
    assert known == unknown
    assert known[0] == 200
    assert "govuk-error-summary" in known[1]


def test_totp_activation_shows_qr_svg_and_the_secret(client) -> None:
    """R7: a new user can enrol by scanning or by typing the secret."""
    user = UserFactory(role=Role.SOCIAL_WORKER)
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    if "/accounts/reauthenticate/" in response.request["PATH_INFO"]:
        response = client.post(
            response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"],
            {"password": DEFAULT_PASSWORD},
            follow=True,
        )
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Set up your authenticator app</h1>' in body
    # The QR code is an image from a data: URI, so no markup is ever marked safe (R40).
    assert re.search(
        r'<div class="app-totp-qr"><img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', body
    )
    secret = client.session["mfa.totp.secret"]
    assert f'<p class="govuk-body app-secret" id="authenticator-secret">{secret}</p>' in body
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code}, follow=True)
    body = response.content.decode()
    assert "Your recovery codes" in body
    assert len(re.findall(r"<li>[0-9a-z]{8}</li>", body)) >= 10
    assert client.get("/").status_code == 200


def test_wrong_totp_code_shows_a_field_error(client) -> None:
    user = UserFactory(role=Role.SOCIAL_WORKER)
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000x"})
    body = response.content.decode()
    assert "<title>Error: Set up your authenticator app" in body
    assert 'href="#id_code"' in body
    assert 'id="id_code-error"' in body


def test_mfa_authenticate_page(client) -> None:
    from safehub.accounts.tests.factories import enrol_totp

    user = UserFactory(role=Role.SOCIAL_WORKER)
    enrol_totp(user)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}, follow=True
    )
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Enter your security code</h1>' in body
    assert "recovery codes" in body
    response = client.post("/accounts/2fa/authenticate/", {"code": "123"})
    assert 'href="#id_code"' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/sessions/", "Where you are signed in"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/logout/", "Are you sure you want to sign out?"),
    ],
)
def test_account_management_pages(signed_in, url, heading) -> None:
    response = signed_in(Role.SOCIAL_WORKER).get(url)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode()


def test_password_reset_does_not_confirm_the_account(client) -> None:
    """R10: the same 'check your email' page whatever address was entered."""
    user = UserFactory(role=Role.SOCIAL_WORKER)
    pages = []
    for email in (user.email, "nobody-here@example.test"):
        response = Client().post("/accounts/password/reset/", {"email": email}, follow=True)
        pages.append(main_of(response))
    assert pages[0] == pages[1]
    assert "If the address you entered belongs to a Safehub account" in pages[0]


def test_signup_is_closed_and_says_so(client) -> None:
    response = client.get("/accounts/signup/")
    assert "Accounts are set up by administrators" in response.content.decode()


def test_locked_out_page() -> None:
    """R9/R10: the lockout page is a GOV.UK page with a 429 and no hint about the account."""
    request = RequestFactory().post("/accounts/login/")
    request.user = AnonymousUser()
    response = lockout_response(request)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many attempts to sign in" in body
    assert "Try again in 15 minutes" in body


def test_every_account_screen_renders_in_the_safehub_layout(client) -> None:
    """Screens we did not restyle one by one still come out in the GOV.UK shell, via allauth's
    element and layout templates, with no sign-up link and no inline script."""
    from safehub.accounts.tests.factories import enrol_totp

    user = UserFactory(role=Role.SOCIAL_WORKER)
    secret = enrol_totp(user)
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD}).status_code == 302
    client.post("/accounts/2fa/recovery-codes/generate/")
    for url in (
        "/accounts/2fa/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/reauthenticate/",
        "/accounts/reauthenticate/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/logout/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert 'class="govuk-header' in body, url
        assert '<h1 class="govuk-heading-l">' in body, url
        assert "sign up" not in body.lower(), url
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
