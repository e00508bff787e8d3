"""R9: lock out a (username, IP) pair, never a whole office behind one NAT address."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from safehub.accounts.tests.helpers import MFA_URL, post_login

pytestmark = pytest.mark.django_db

OFFICE_IP = "192.0.2.10"
HOME_IP = "198.51.100.7"


def _lock_out(client, email):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, email, "not the right password at all", ip=OFFICE_IP)


def _signed_in_to_password_stage(response):
    """A right password for a user with a second factor leads to the MFA step."""
    return response.status_code == 302 and response.url.startswith(MFA_URL)


@pytest.fixture
def colleagues(make_user):
    return make_user(email="alex@example.test"), make_user(email="sam@example.test")


def test_failures_lock_that_username_from_that_ip(client, colleagues, audit_events):
    """R9: after AXES_FAILURE_LIMIT failures even the right password is refused (429), audited."""
    alex, _ = colleagues
    _lock_out(client, alex.email)
    response = post_login(Client(), alex.email, ip=OFFICE_IP)
    assert response.status_code == 429
    assert not _signed_in_to_password_stage(response)
    assert audit_events(verb="lockout", object_id=alex.pk).exists()


def test_lockout_is_not_applied_before_the_limit(client, colleagues):
    """R9: one failure fewer than the limit still lets the right password through."""
    alex, _ = colleagues
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, alex.email, "not the right password at all", ip=OFFICE_IP)
    assert _signed_in_to_password_stage(post_login(Client(), alex.email, ip=OFFICE_IP))


def test_lockout_matches_the_username_whatever_its_case(client, colleagues):
    alex, _ = colleagues
    _lock_out(client, alex.email.upper())
    assert post_login(Client(), alex.email, ip=OFFICE_IP).status_code == 429


def test_colleague_on_the_same_ip_still_signs_in(client, colleagues):
    """R9: a council office shares one address; one person's lockout must not lock the rest."""
    alex, sam = colleagues
    _lock_out(client, alex.email)
    assert _signed_in_to_password_stage(post_login(Client(), sam.email, ip=OFFICE_IP))


def test_same_user_from_another_ip_still_signs_in(client, colleagues):
    """R9: an attacker at one address cannot lock the real user out everywhere."""
    alex, _ = colleagues
    _lock_out(client, alex.email)
    assert _signed_in_to_password_stage(post_login(Client(), alex.email, ip=HOME_IP))


def test_lockout_ends_after_the_cool_off(client, colleagues):
    """R9: the lockout lifts AXES_COOLOFF_TIME after the last attempt (time-machine)."""
    alex, _ = colleagues
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        _lock_out(client, alex.email)
        assert post_login(Client(), alex.email, ip=OFFICE_IP).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=30))
        assert post_login(Client(), alex.email, ip=OFFICE_IP).status_code == 429
        # Axes counts the cool-off from the latest attempt, which was the refused one just above.
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        assert _signed_in_to_password_stage(post_login(Client(), alex.email, ip=OFFICE_IP))


def test_unknown_username_lockout_looks_the_same(client):
    """R9, R10: locking out a made-up address gives the same page as a real one."""
    _lock_out(client, "nobody@example.test")
    assert post_login(Client(), "nobody@example.test", ip=OFFICE_IP).status_code == 429
