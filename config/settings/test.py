"""Settings for the test suite: fast hashing, a fixed audit key, in-memory e-mail."""

import os

from .dev import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "t" * 40
SAFEHUB_AUDIT_HMAC_KEY = "test-only-audit-key-" + "k" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]  # the suite exercises lockout through axes, not allauth's own limiter
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# SQLite tests use an on-disk database per process (not shared-cache memory), so threaded tests
# see real WAL locking, as production does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# Documents written by tests (letters in the demo, uploads in page tests) go to a per-process
# directory under var/, never beside a developer's own demo documents; the scanner stays off
# unless a test turns it on with its own signature database.
SAFEHUB_DOCUMENT_ROOT = str(BASE_DIR / "var" / f"test-documents-{os.getpid()}")  # noqa: F405
SAFEHUB_CLAMAV = {"mode": "off"}
