"""Who a `safehub returns` command acts as: always a named, active user with the function (R27).

A return or an extract names every child in it, so it is never produced anonymously: scheduled jobs
name the service account they run as, with `--as-user` or, for the commands as the issue states
them (`safehub returns import-ssd DIR`), once in the setting SAFEHUB_RETURNS_USER.
"""

from django.conf import settings
from django.core.management.base import CommandError

from safehub.accounts.constants import Capability
from safehub.accounts.models import User


def returns_actor(email: str | None, *, doing: str = "produce returns") -> User:
    email = (email or "").strip() or (getattr(settings, "SAFEHUB_RETURNS_USER", "") or "").strip()
    if not email:
        raise CommandError(
            "--as-user: name the user this runs as (their e-mail address), "
            "or set SAFEHUB_RETURNS_USER to the service account scheduled jobs run as"
        )
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"--as-user: no user has the email address {email}")
    if not user.is_active:
        raise CommandError(f"--as-user: {user.email} is deactivated, so cannot {doing}")
    if not user.has_capability(Capability.PREPARE_RETURNS):
        raise CommandError(
            f"--as-user: {user.email} may not {doing}: their role lacks '{Capability.PREPARE_RETURNS.label}'"
        )
    return user
