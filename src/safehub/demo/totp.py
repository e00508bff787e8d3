"""TOTP for demo users: secrets derived from the seed, so a rerun with the same seed gives the
same secrets and a tester's authenticator app keeps working after `--reset`.

Only ever used for accounts in the demo domain; a real account's secret is random (allauth's
`generate_totp_secret`) and never printed.
"""

import base64
import hashlib
import hmac
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

from safehub.accounts.models import User

from . import city


def derive_secret(seed: int, email: str) -> str:
    """A 20-byte base32 secret (the size allauth makes), fixed by the seed and the address."""
    digest = hmac.new(f"safehub-demo-totp:{seed}".encode(), email.lower().encode(), hashlib.sha1).digest()
    return base64.b32encode(digest).decode("ascii")


def code_now(secret: str, at: float | None = None) -> str:
    from allauth.mfa import app_settings

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def seconds_left(at: float | None = None) -> int:
    from allauth.mfa import app_settings

    now = int(time.time() if at is None else at)
    return app_settings.TOTP_PERIOD - now % app_settings.TOTP_PERIOD


def enrol(user: User, secret: str) -> None:
    """Replace any TOTP authenticator the demo user has with one on `secret`."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)


def stored_secret(user: User) -> str | None:
    """The secret of a demo user's TOTP authenticator, or None. Refuses non-demo accounts."""
    if not city.is_demo_email(user.email):
        raise ValueError("Only demo accounts have printable TOTP secrets.")
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    return str(decrypt(authenticator.data["secret"]))
