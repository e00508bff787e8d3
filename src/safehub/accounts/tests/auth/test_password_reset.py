"""R11: reset links are single-use and short-lived, MFA still applies, other sessions end."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from safehub.accounts.tests.helpers import MFA_URL, post_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new long passphrase for winter"
_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)")


def _request_reset(email):
    Client().post("/accounts/password/reset/", {"email": email})
    return _LINK.search(mail.outbox[-1].body).group(1)


def _use_link(client, path, password=NEW_PASSWORD):
    """Follow the e-mailed link, then submit the new password on the page it leads to."""
    landing = client.get(path)
    if landing.status_code != 302:
        return landing
    return client.post(landing.url, {"password1": password, "password2": password})


def _token_refused(response):
    return response.status_code == 200 and response.context["token_fail"] is True


def test_reset_link_works_once(make_user):
    """R11: the link sets a password once; used again it is refused."""
    user = make_user()
    path = _request_reset(user.email)
    done = _use_link(Client(), path)
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = _use_link(Client(), path, "yet another long passphrase here")
    assert _token_refused(again)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_link_expires_after_timeout(make_user):
    """R11: PASSWORD_RESET_TIMEOUT (one hour), not Django's three days."""
    assert settings.PASSWORD_RESET_TIMEOUT <= 60 * 60
    user = make_user()
    with time_machine.travel("2026-05-05 10:00 +0000", tick=False) as traveller:
        path = _request_reset(user.email)
        traveller.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        assert _token_refused(_use_link(Client(), path))
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_after_reset_sign_in_still_needs_the_second_factor(make_user):
    """R11: a reset changes the password, never the need for MFA."""
    user = make_user()
    _use_link(Client(), _request_reset(user.email))
    response = post_login(Client(), user.email, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url.startswith(MFA_URL)
    follow = Client()
    post_login(follow, user.email, NEW_PASSWORD)
    assert follow.get("/").status_code == 302  # not signed in until the second factor


def test_reset_ends_the_users_other_sessions(make_user):
    """R11: whoever held a session from before the reset is signed out, and the rows are gone."""
    user = make_user()
    old = Client()
    old.force_login(user)
    assert old.get("/").status_code == 200
    _use_link(Client(), _request_reset(user.email))
    live = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert live == []
    response = old.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
