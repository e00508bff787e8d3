"""R13: authentication events are audited and the person is e-mailed about credential changes.

allauth sends its security notices only when ACCOUNT_EMAIL_NOTIFICATIONS is on; the tests turn
it on as the project settings do. allauth announces factor changes after commit, inside the
request, so those tests run with real commits (transaction=True).
"""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from safehub.accounts.tests.factories import DEFAULT_PASSWORD, enrol_totp, totp_code
from safehub.accounts.tests.helpers import post_login, post_mfa, reauthenticate

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an entirely different long passphrase"


@pytest.fixture(autouse=True)
def _notifications_on(settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True


def _sign_in(user, secret):
    client = Client()
    post_login(client, user.email)
    post_mfa(client, totp_code(secret))
    return client


def test_login_success_and_failure_are_audited(make_user, audit_events):
    """R13: both outcomes reach the audit trail, the failure without the password."""
    user = make_user(mfa=False)
    secret = enrol_totp(user)
    post_login(Client(), user.email, "definitely not the password")
    failure = audit_events(verb="login_failed", object_id=user.pk).get()
    assert failure.outcome == "failure"
    assert "definitely" not in failure.reason + failure.actor_label
    client = _sign_in(user, secret)
    assert client.get("/").status_code == 200
    assert audit_events(verb="login", object_id=user.pk, actor=user).exists()
    assert audit_events(verb="mfa", object_id=user.pk, outcome="success").exists()


@pytest.mark.django_db(transaction=True)
def test_adding_a_factor_is_audited_and_emailed(make_user, audit_events):
    """R13: enrolling TOTP writes a factor-change event and tells the person by e-mail."""
    user = make_user(mfa=False)
    client = Client()
    post_login(client, user.email)
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    mail.outbox.clear()
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert audit_events(verb="factor_change", object_id=user.pk, section="totp").exists()
    assert user.email in [m.to[0] for m in mail.outbox]


@pytest.mark.django_db(transaction=True)
def test_removing_a_factor_is_emailed(make_user, audit_events):
    """R13: deactivating TOTP tells the person, in case it was not them."""
    user = make_user(mfa=False)
    secret = enrol_totp(user)
    client = _sign_in(user, secret)
    reauthenticate(client)
    mail.outbox.clear()
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert audit_events(verb="factor_change", object_id=user.pk).exists()


def test_changing_the_password_is_audited_emailed_and_ends_other_sessions(make_user, audit_events):
    """R13: a password change is recorded and the person is told; R11/ASVS 7.4.3: their other
    sessions end."""
    user = make_user(mfa=False)
    secret = enrol_totp(user)
    elsewhere = Client()
    elsewhere.force_login(user)
    client = _sign_in(user, secret)
    mail.outbox.clear()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert audit_events(verb="password_change", object_id=user.pk).exists()
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert audit_events(verb="session_end", object_id=user.pk, section="others").exists()
    assert elsewhere.get("/").status_code == 302
