"""Local development and the demo: SQLite under var/, debug pages, a fixed development audit key."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("SAFEHUB_DEBUG", True)
SECRET_KEY = env_str("SAFEHUB_SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
SAFEHUB_AUDIT_HMAC_KEY = env_str("SAFEHUB_AUDIT_HMAC_KEY", "dev-only-audit-key-" + "y" * 40)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Chromium treats 127.0.0.1 and localhost as secure contexts, so __Host- cookies work over plain
# http there; WebAuthn likewise needs the insecure-origin allowance only on loopback.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# The demo city's codes: it sits on York's geography (src/safehub/demo/postcodes.py), so the DfE
# validators know its postcodes and its council. Override with SAFEHUB_LA_CODE / SAFEHUB_LA_OLD_CODE.
SAFEHUB_LA_CODE = env_str("SAFEHUB_LA_CODE", env_str("SAFEHUB_LOCAL_AUTHORITY_CODE", "E06000014"))
SAFEHUB_LOCAL_AUTHORITY_CODE = SAFEHUB_LA_CODE
SAFEHUB_LA_OLD_CODE = env_str("SAFEHUB_LA_OLD_CODE", "816")
