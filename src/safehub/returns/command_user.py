"""Who a `safehub returns` command acts as: always a named, active user with the function (R27).

A return or an extract names every child in it, so it is never produced anonymously: scheduled jobs
name the service account they run as.
"""

from django.core.management.base import CommandError

from safehub.accounts.constants import Capability
from safehub.accounts.models import User


def returns_actor(email: str | None, *, doing: str = "produce returns") -> User:
    if not email or not email.strip():
        raise CommandError("--as-user: name the user this runs as (their e-mail address)")
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
