"""R17: destructive administration needs a fresh re-authentication; each action then works."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import TeamFactory, UserFactory, enrol_totp
from safehub.accounts.tests.helpers import reauthenticate

pytestmark = pytest.mark.django_db

REAUTH_PATH = "/accounts/reauthenticate/"
DESTRUCTIVE = ["user_deactivate", "user_end_sessions", "user_reset_mfa", "user_reactivate"]


def _url(name, user):
    return reverse(f"accounts:{name}", kwargs={"pk": user.pk})


@pytest.mark.parametrize("name", [*DESTRUCTIVE, "user_recertification_csv"])
def test_stale_authentication_is_sent_to_reauthenticate(signed_in, name):
    """R17: without a recent re-authentication the confirmation page and the action redirect."""
    client = signed_in(Role.SYSADMIN)
    target = UserFactory()
    url = reverse("accounts:user_recertification_csv") if name.endswith("_csv") else _url(name, target)
    for response in (client.get(url), client.post(url, {"reason": "Leaver"})):
        assert response.status_code == 302
        assert response.url.startswith(REAUTH_PATH)
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.parametrize("name", ["user_create", "user_edit", "team_member_add"])
def test_granting_access_needs_fresh_authentication_when_submitted(signed_in, name):
    """R17: a change that grants access is held until the administrator confirms who they are."""
    client = signed_in(Role.SYSADMIN)
    team, target = TeamFactory(), UserFactory()
    kwargs = (
        {"pk": team.pk} if name == "team_member_add" else ({"pk": target.pk} if name == "user_edit" else None)
    )
    url = reverse(f"accounts:{name}", kwargs=kwargs)
    if name != "team_member_add":
        assert client.get(url).status_code == 200
    response = client.post(url, {"email": target.email})
    assert response.status_code == 302
    assert response.url.startswith(REAUTH_PATH)
    assert not target.memberships.exists()


def test_reauthentication_goes_stale_after_the_timeout(signed_in):
    client = signed_in(Role.SYSADMIN)
    url = _url("user_deactivate", UserFactory())
    with time_machine.travel("2026-06-01 09:00 +0000", tick=False) as traveller:
        reauthenticate(client)
        assert client.get(url).status_code == 200
        traveller.shift(timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1))
        response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(REAUTH_PATH)


def test_fresh_deactivate_ends_access(admin_client, audit_events):
    """R12, R17: with fresh authentication the confirmed action goes through and is audited."""
    target = UserFactory()
    url = _url("user_deactivate", target)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Deactivate account" in page.content.decode()
    missing_reason = admin_client.post(url, {"reason": ""})
    assert "reason" in missing_reason.context["form"].errors
    response = admin_client.post(url, {"reason": "Left the council"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert audit_events(verb="permission_change", object_id=target.pk, reason="Left the council").exists()


def test_fresh_reactivate_end_sessions_and_reset_mfa(admin_client, audit_events):
    target = UserFactory(is_active=False)
    assert (
        admin_client.post(_url("user_reactivate", target), {"reason": "Back from leave"}).status_code == 302
    )
    target.refresh_from_db()
    assert target.is_active
    assert admin_client.post(_url("user_end_sessions", target), {"reason": ""}).status_code == 302
    assert audit_events(verb="session_end", object_id=target.pk).exists()
    enrol_totp(target)
    assert admin_client.post(_url("user_reset_mfa", target), {"reason": "Lost phone"}).status_code == 302
    assert not Authenticator.objects.filter(user=target).exists()


def test_self_deactivation_is_refused_with_a_clear_message(admin_client):
    """R26: the service's refusal appears on the page; nothing changes."""
    response = admin_client.post(_url("user_deactivate", admin_client.user), {"reason": "Testing"})
    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    admin_client.user.refresh_from_db()
    assert admin_client.user.is_active


def test_suspended_post_completes_after_reauthentication(signed_in):
    """R17: allauth keeps the confirmed form while the administrator re-authenticates, then runs it."""
    client = signed_in(Role.SYSADMIN)
    target = UserFactory()
    url = _url("user_deactivate", target)
    first = client.post(url, {"reason": "Leaver"})
    assert first.url.startswith(REAUTH_PATH)
    reauth = client.post(first.url, {"password": "correct horse battery staple"})
    assert reauth.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
