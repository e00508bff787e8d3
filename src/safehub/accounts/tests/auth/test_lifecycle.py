"""R12: no seed accounts; closing an account signs it out on its very next request."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.accounts.services import user_deactivate

pytestmark = pytest.mark.django_db


def test_migrations_create_no_users():
    """R12: the test database is built by running every migration; none of them makes an account."""
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("accounts", "0001_initial") in applied
    assert User.objects.count() == 0


def test_inactive_user_is_sent_to_login_on_next_request(signed_in):
    """R12: `is_active=False` ends access on the next request, however it was set."""
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=client.user.pk).update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_deactivated_user_is_sent_to_login_on_next_request(signed_in, make_user):
    """R12: deactivation through the service ends the session outright."""
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get("/").status_code == 200
    user_deactivate(actor=make_user(Role.SYSADMIN), user=client.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_deactivated_user_cannot_sign_in_again(client, make_user):
    from safehub.accounts.tests.helpers import MFA_URL, post_login

    user = make_user()
    user_deactivate(actor=make_user(Role.SYSADMIN), user=user)
    response = post_login(client, user.email)
    assert not (response.status_code == 302 and response.url.startswith(MFA_URL))
    assert client.get("/").status_code == 302
