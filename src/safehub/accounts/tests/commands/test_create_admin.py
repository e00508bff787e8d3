"""`safehub create_admin`: bootstrap of the first administrator, with no default password (R12)."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.accounts.tests.helpers import post_login

pytestmark = pytest.mark.django_db

GOOD = "a long and quite unguessable passphrase"


def _create(monkeypatch, *extra, password=GOOD, email="first.admin@example.test"):
    monkeypatch.setenv("SAFEHUB_TEST_ADMIN_PASSWORD", password)
    call_command(
        "create_admin",
        "--email",
        email,
        "--name",
        "First Admin",
        "--password-from-env",
        "SAFEHUB_TEST_ADMIN_PASSWORD",
        *extra,
    )


def test_creates_a_system_administrator_without_a_second_factor(monkeypatch, audit_events):
    _create(monkeypatch, email="First.Admin@Example.test")
    user = User.objects.get()
    assert (user.email, user.role, user.full_name) == (
        "first.admin@example.test",
        Role.SYSADMIN,
        "First Admin",
    )
    assert user.check_password(GOOD)
    assert not user.is_superuser
    assert not Authenticator.objects.filter(user=user).exists()
    assert audit_events(verb="create", object_id=user.pk, actor_label="safehub create_admin").exists()
    assert audit_events(verb="create", object_id=user.pk).get().channel == "command"


def test_first_sign_in_must_enrol_a_second_factor(monkeypatch):
    """R7: the bootstrap admin reaches nothing until they set up TOTP."""
    _create(monkeypatch)
    client = Client()
    post_login(client, "first.admin@example.test", GOOD)
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"


def test_refuses_a_weak_password(monkeypatch):
    """R8: the same validators as everywhere else."""
    with pytest.raises(CommandError, match="too short"):
        _create(monkeypatch, password="short")
    with pytest.raises(CommandError, match="name of the council"):
        _create(monkeypatch, password="SafehubSafehub123")
    assert not User.objects.exists()


def test_refuses_when_an_administrator_exists_unless_forced(monkeypatch):
    _create(monkeypatch)
    with pytest.raises(CommandError, match="already exists"):
        _create(monkeypatch, email="second.admin@example.test")
    _create(monkeypatch, "--force", email="second.admin@example.test")
    assert User.objects.filter(role=Role.SYSADMIN).count() == 2


def test_refuses_duplicate_email_even_when_forced(monkeypatch):
    _create(monkeypatch)
    with pytest.raises(CommandError, match="already exists"):
        _create(monkeypatch, "--force")


def test_prompts_twice_and_refuses_a_mismatch(monkeypatch):
    answers = iter([GOOD, GOOD + " typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="do not match"):
        call_command("create_admin", "--email", "a@example.test", "--name", "A")
    answers = iter([GOOD, GOOD])
    call_command("create_admin", "--email", "a@example.test", "--name", "A")
    assert User.objects.get().check_password(GOOD)


def test_empty_environment_variable_is_refused(monkeypatch):
    monkeypatch.delenv("SAFEHUB_UNSET_VAR", raising=False)
    with pytest.raises(CommandError, match="empty or not set"):
        call_command(
            "create_admin",
            "--email",
            "a@example.test",
            "--name",
            "A",
            "--password-from-env",
            "SAFEHUB_UNSET_VAR",
        )
