"""Cookies, session rotation, logout and timeouts (R3, R14, R15, R16)."""

import datetime as dt
from http.cookies import SimpleCookie

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.models import Session
from django.test import Client

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import DEFAULT_PASSWORD

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client: Client, user, secret: str):
    """Password then TOTP through allauth's real views; returns the final response."""
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302, response.content[:500]
    return response


def _set_cookie_attributes(response, name: str) -> dict[str, str]:
    """The raw Set-Cookie line for `name`, parsed into lower-cased attributes."""
    raw = [v for k, v in response.items() if k.lower() == "set-cookie"]
    raw += [m.OutputString() for m in response.cookies.values()]
    for line in raw:
        if line.startswith(f"{name}="):
            attrs = {}
            for part in line.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                attrs[key.lower()] = value
            return attrs
    raise AssertionError(f"no Set-Cookie for {name}")


@pytest.fixture
def totp_user(db):
    from safehub.accounts.tests.factories import UserFactory, enrol_totp

    user = UserFactory(role=Role.SOCIAL_WORKER)
    return user, enrol_totp(user)


def test_session_and_csrf_cookies_use_host_prefix_and_safe_flags(client, totp_user) -> None:
    """R3: __Host- names, Secure, HttpOnly (session), SameSite, Path=/, no Domain."""
    user, secret = totp_user
    client.get("/accounts/login/")
    response = _sign_in(client, user, secret)
    session = _set_cookie_attributes(response, "__Host-sessionid")
    assert "secure" in session
    assert "httponly" in session
    assert session["samesite"].lower() in {"lax", "strict"}
    assert session["path"] == "/"
    assert "domain" not in session
    csrf = _set_cookie_attributes(response, "__Host-csrftoken")
    assert "secure" in csrf
    assert csrf["samesite"].lower() in {"lax", "strict"}
    assert csrf["path"] == "/"
    assert "domain" not in csrf


def test_session_key_rotates_on_login(client, totp_user) -> None:
    """R15: the key an attacker might have planted before sign-in is not the signed-in key."""
    user, secret = totp_user
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    client.cookies["__Host-sessionid"] = before
    _sign_in(client, user, secret)
    after = client.cookies["__Host-sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get("/").status_code == 200


def test_logout_invalidates_the_session_server_side(client, totp_user) -> None:
    """R16: replaying the cookie after sign-out gets the sign-in page, not the service."""
    user, secret = totp_user
    _sign_in(client, user, secret)
    old_cookie = client.cookies["__Host-sessionid"].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies["__Host-sessionid"] = old_cookie
    response = replay.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_idle_timeout_signs_out_after_30_minutes(signed_in) -> None:
    """R14: idle past the limit -> signed out and told why."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity resets the idle clock
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?timeout=idle"
        assert client.get("/").status_code == 302  # and the session is really gone


@pytest.mark.django_db
def test_absolute_timeout_signs_out_after_10_hours_despite_activity(signed_in) -> None:
    """R14: however busy, a session ends after its absolute lifetime."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        assert client.get("/").status_code == 200
        for _ in range(31):  # 31 x 20 minutes: just past 10 hours
            traveller.shift(dt.timedelta(minutes=20))
            response = client.get("/")
            if response.status_code != 200:
                break
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?timeout=absolute"


@pytest.mark.django_db
def test_status_endpoint_does_not_count_as_activity(signed_in) -> None:
    """R14: polling for the warning must not keep an idle session alive."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        client.get("/")
        traveller.shift(dt.timedelta(minutes=20))
        status = client.get("/session/status/").json()
        assert status["signed_in"] is True
        assert status["seconds_remaining"] == 10 * 60
        assert status["warning_seconds"] == 5 * 60
        assert status["can_extend"] is True
        traveller.shift(dt.timedelta(minutes=11))
        response = client.get("/session/status/")
        assert response.status_code == 401
        assert response.json() == {"signed_in": False, "reason": "idle"}


@pytest.mark.django_db
def test_extend_endpoint_restarts_the_idle_clock(signed_in) -> None:
    """R14 / WCAG 2.2.1: "Stay signed in" gives the user a full idle period again."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        client.get("/")
        traveller.shift(dt.timedelta(minutes=26))
        assert client.post("/session/extend/").status_code == 204
        assert client.get("/session/status/").json()["seconds_remaining"] == 30 * 60
        traveller.shift(dt.timedelta(minutes=26))
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_status_near_absolute_limit_says_it_cannot_be_extended(signed_in) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        client.get("/")
        for _ in range(29):  # 9 h 40 min of steady activity
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/").status_code == 200
        status = client.get("/session/status/").json()
        assert status["seconds_remaining"] == 20 * 60
        assert status["can_extend"] is False


@pytest.mark.django_db
def test_extend_needs_post_and_csrf(signed_in, make_user) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get("/session/extend/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(Role.SOCIAL_WORKER))
    assert strict.post("/session/extend/").status_code == 403


def test_status_for_anonymous_is_401(client, db) -> None:
    response = client.get("/session/status/")
    assert response.status_code == 401
    assert response.json()["signed_in"] is False


def test_set_cookie_parser_reads_attributes() -> None:
    cookie = SimpleCookie()
    cookie["x"] = "1"
    cookie["x"]["path"] = "/"
    cookie["x"]["secure"] = True

    class Fake(dict):
        cookies = cookie

    assert _set_cookie_attributes(Fake(), "x") == {"path": "/", "secure": ""}


@pytest.mark.django_db
def test_api_session_past_idle_limit_gets_the_api_error_format(signed_in) -> None:
    """R14 on the API channel: an idle session ends and the answer is the API's error format."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        assert client.get("/api/v1/me/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
