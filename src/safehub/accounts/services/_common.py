"""What every accounts service shares: the capability check, separation of duties, the audit hook.

`accounts` sits below `audit` in the dependency order, so it writes audit events through
`safehub.platform.auditing.record`, which the audit app fills in when it starts (R28).
"""

from typing import Any

from django.core.exceptions import ValidationError

from safehub.platform import auditing
from safehub.platform.errors import PermissionRefused

from ..constants import Capability


def require_manage_users(actor: Any) -> None:
    """Only a role with MANAGE_USERS administers users, agencies and teams (R18)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionRefused("You must be signed in to manage users.")
    if not actor.has_capability(Capability.MANAGE_USERS):
        raise PermissionRefused("Your role does not allow you to manage users, agencies or teams.")


def refuse_self(actor: Any, user: Any, message: str, *, field: str | None = None) -> None:
    """Separation of duties (R26): an administrator cannot widen or remove their own access."""
    if actor.pk == user.pk:
        if field:
            raise ValidationError({field: message}, code="separation_of_duties")
        raise ValidationError(message, code="separation_of_duties")


def audit(*, actor: Any, verb: str, target: Any, **kwargs: Any) -> Any:
    return auditing.record(actor=actor, verb=verb, target=target, **kwargs)


def describe_change(before: Any, after: Any) -> str:
    return f"{before or '(none)'} -> {after or '(none)'}"
