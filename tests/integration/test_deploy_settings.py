"""Production settings: deploy checks clean, secrets required, no debug or admin surfaces (R1, R5, R6).

The production settings are exercised in subprocesses, because this process already runs with the
test settings and Django cannot be configured twice.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from safehub.accounts.constants import Role

ROOT = Path(__file__).resolve().parents[2]

DUMMY_SECRETS = {
    "SAFEHUB_SECRET_KEY": secrets.token_urlsafe(64),
    "SAFEHUB_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
    "SAFEHUB_ALLOWED_HOSTS": "safehub.example.gov.uk",
}

_PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "INSTALLED_APPS": list(settings.INSTALLED_APPS),
    "MIDDLEWARE": list(settings.MIDDLEWARE),
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECRET_KEY_FALLBACKS": list(settings.SECRET_KEY_FALLBACKS),
}))
"""


def _production_env(**overrides: str | None) -> dict[str, str]:
    """A clean environment: none of the caller's SAFEHUB_* values leak into the check."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEHUB_")}
    env.update(DUMMY_SECRETS)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    done = _manage("shell", "--no-startup", "-c", _PRINT_SETTINGS, env=_production_env())
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings() -> None:
    """R1: `check --deploy --fail-level WARNING` exits 0 with production settings and dummy secrets."""
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_hsts_is_a_year_or_more_with_subdomains_and_preload(production: dict[str, Any]) -> None:
    """R1: HSTS >= 31536000 seconds, includeSubDomains and preload; HTTPS only."""
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True


@pytest.mark.parametrize("variable", ["SAFEHUB_SECRET_KEY", "SAFEHUB_AUDIT_HMAC_KEY"])
def test_production_refuses_to_start_without_its_secrets(variable: str) -> None:
    """R6: without the secret in the environment the settings do not import, and say which is missing."""
    for value in (None, ""):
        done = subprocess.run(
            [sys.executable, "-c", "import config.settings.production"],
            cwd=ROOT,
            env=_production_env(**{variable: value}),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode != 0
        assert "ImproperlyConfigured" in done.stderr
        assert variable in done.stderr


def test_old_secret_keys_are_read_for_rotation() -> None:
    """R6: SECRET_KEY_FALLBACKS comes from SAFEHUB_SECRET_KEY_FALLBACKS, so keys rotate without logouts."""
    old = [secrets.token_urlsafe(64), secrets.token_urlsafe(64)]
    done = _manage(
        "shell",
        "--no-startup",
        "-c",
        _PRINT_SETTINGS,
        env=_production_env(SAFEHUB_SECRET_KEY_FALLBACKS=",".join(old)),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["SECRET_KEY_FALLBACKS"] == old


def test_no_debug_or_tooling_surfaces_in_production(production: dict[str, Any]) -> None:
    """R5: DEBUG off; no debug toolbar, silk or Django admin installed."""
    assert production["DEBUG"] is False
    tooling = (
        "debug_toolbar",
        "silk",
        "django_extensions",
        "django.contrib.admin",
        "django.contrib.admindocs",
    )
    assert not [app for app in production["INSTALLED_APPS"] if app.startswith(tooling)]
    assert not [m for m in production["MIDDLEWARE"] if "debug_toolbar" in m or "silk" in m]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/__debug__/", "/__debug__/render_panel/", "/silk/"])
def test_debug_paths_are_not_found(client: Any, signed_in: Any, path: str) -> None:
    """R5: no debug surface is routed, for anyone."""
    assert client.get(path).status_code == 404
    assert signed_in(Role.SYSADMIN).get(path).status_code == 404


def test_django_admin_is_not_routed() -> None:
    """R5: /admin/ is Safehub's own staff administration, not django.contrib.admin."""
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_admin_needs_sign_in_and_a_second_factor(client: Any, make_user: Any, path: str) -> None:
    """R5: anonymous people and users without MFA never get an admin page."""
    anonymous = client.get(path)
    assert anonymous.status_code in (302, 404)
    if anonymous.status_code == 302:
        assert anonymous["Location"].startswith(reverse("account_login"))
    assert b"Django administration" not in anonymous.content

    client.force_login(make_user(Role.SYSADMIN, mfa=False))
    without_mfa = client.get(path)
    assert without_mfa.status_code in (302, 404)
    if without_mfa.status_code == 302:
        assert without_mfa["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
def test_staff_administration_under_admin_is_ours_behind_sign_in_and_mfa(client: Any, make_user: Any) -> None:
    """R5: Safehub's own administration pages live under /admin/; they need sign-in, then a second
    factor, then the capability, and are not Django's admin."""
    path = reverse("accounts:user_list")
    assert path.startswith("/admin/")
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    client.force_login(make_user(Role.SYSADMIN, mfa=False))
    without_mfa = client.get(path)
    assert without_mfa.status_code == 302
    assert without_mfa["Location"].startswith(reverse("mfa_activate_totp"))

    client.force_login(make_user(Role.SYSADMIN))
    with_mfa = client.get(path)
    assert with_mfa.status_code == 200
    assert b"Django administration" not in with_mfa.content
    assert b"govuk-template" in with_mfa.content
