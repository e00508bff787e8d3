"""Deactivation, reactivation, ending sessions and resetting second factors (R12, R16)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from safehub.accounts.constants import Role
from safehub.accounts.services import (
    user_deactivate,
    user_end_sessions,
    user_reactivate,
    user_reset_mfa,
)
from safehub.accounts.tests.factories import UserFactory, enrol_totp
from safehub.platform.errors import PermissionRefused


def _signed_in_client(user):
    client = Client()
    client.force_login(user)
    client.get("/")  # one request, so allauth records a UserSession row too
    return client


def _sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


def test_deactivate_ends_every_session_and_audits(admin, audit_events):
    """R12: closing an account ends its sessions immediately, not at their next timeout."""
    user = UserFactory()
    enrol_totp(user)
    first, second = _signed_in_client(user), _signed_in_client(user)
    assert len(_sessions_of(user)) == 2
    assert UserSession.objects.filter(user=user).count() == 2

    user_deactivate(actor=admin, user=user, reason="Left the council")

    user.refresh_from_db()
    assert not user.is_active
    assert user.deactivated_at is not None
    assert user.version == 2
    assert _sessions_of(user) == []
    assert not UserSession.objects.filter(user=user).exists()
    event = audit_events(verb="permission_change", object_id=user.pk).get()
    assert event.reason == "Left the council"
    assert event.actor == admin
    assert "2 ended" in audit_events(verb="session_end", object_id=user.pk).get().reason
    for client in (first, second):
        response = client.get("/")
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        user_deactivate(actor=admin, user=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_deactivate_refused_without_capability(make_user):
    user = UserFactory()
    with pytest.raises(PermissionRefused):
        user_deactivate(actor=make_user(Role.TEAM_MANAGER), user=user)
    user.refresh_from_db()
    assert user.is_active


def test_deactivate_twice_is_a_clear_error(admin):
    user = UserFactory()
    user_deactivate(actor=admin, user=user)
    with pytest.raises(ValidationError, match="already deactivated"):
        user_deactivate(actor=admin, user=user)


def test_reactivate_restores_and_audits(admin, audit_events):
    user = UserFactory()
    user_deactivate(actor=admin, user=user)
    user_reactivate(actor=admin, user=user, reason="Returned from leave")
    user.refresh_from_db()
    assert user.is_active
    assert user.deactivated_at is None
    assert audit_events(verb="permission_change", object_id=user.pk, reason="Returned from leave").exists()
    with pytest.raises(ValidationError, match="already active"):
        user_reactivate(actor=admin, user=user)


def test_reactivate_refused_without_capability(admin, make_user):
    user = UserFactory()
    user_deactivate(actor=admin, user=user)
    with pytest.raises(PermissionRefused):
        user_reactivate(actor=make_user(Role.IG_OFFICER), user=user)


def test_end_sessions_signs_user_out_everywhere_but_leaves_others(admin, audit_events):
    """R16: an administrator can end a user's sessions; nobody else's are touched."""
    user, bystander = UserFactory(), UserFactory()
    enrol_totp(user)
    enrol_totp(bystander)
    client = _signed_in_client(user)
    other = _signed_in_client(bystander)

    assert user_end_sessions(actor=admin, user=user) == 1

    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 200
    assert audit_events(verb="session_end", object_id=user.pk, actor=admin).exists()
    user.refresh_from_db()
    assert user.is_active


def test_end_sessions_refused_without_capability(make_user):
    with pytest.raises(PermissionRefused):
        user_end_sessions(actor=make_user(Role.SOCIAL_WORKER), user=UserFactory())


def test_reset_mfa_removes_factors_ends_sessions_audits_and_emails(
    admin, audit_events, django_capture_on_commit_callbacks
):
    """R7, R13: after a reset the person must enrol again, and is told by e-mail."""
    user = UserFactory()
    enrol_totp(user)
    RecoveryCodes.activate(user)
    client = _signed_in_client(user)

    with django_capture_on_commit_callbacks(execute=True):
        removed = user_reset_mfa(actor=admin, user=user, reason="Lost phone")

    assert removed == 2
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/").status_code == 302
    event = audit_events(verb="factor_change", object_id=user.pk).get()
    assert event.actor == admin
    assert event.reason == "Lost phone"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "second factors" in mail.outbox[0].body


def test_reset_mfa_refused_for_self_and_without_capability(admin, make_user):
    with pytest.raises(ValidationError):
        user_reset_mfa(actor=admin, user=admin)
    victim = make_user(Role.SOCIAL_WORKER)
    with pytest.raises(PermissionRefused):
        user_reset_mfa(actor=make_user(Role.TEAM_MANAGER), user=victim)
    assert Authenticator.objects.filter(user=admin).exists()
    assert Authenticator.objects.filter(user=victim).exists()
