"""Closing and reopening accounts and resetting second factors (R12, R16, ASVS 6.3.2)."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.platform import clock

from ..models import User
from ._common import audit, refuse_self, require_manage_users
from .notifications import send_after_commit
from .sessions import end_all_sessions
from .users import lock_user, stamp


def user_deactivate(*, actor: Any, user: User, reason: str = "") -> User:
    """Close an account and end all its sessions at once, not at their next timeout (R12)."""
    require_manage_users(actor)
    refuse_self(actor, user, "You cannot deactivate your own account. Ask another administrator.")
    with transaction.atomic():
        current = lock_user(user)
        if not current.is_active:
            raise ValidationError("This account is already deactivated.")
        current.is_active = False
        current.deactivated_at = clock.now()
        current.save(update_fields=["is_active", "deactivated_at", *stamp(current, actor)])
        audit(
            actor=actor,
            verb="permission_change",
            target=current,
            section="is_active",
            reason=reason or "deactivated",
        )
        ended = end_all_sessions(current)
        audit(
            actor=actor,
            verb="session_end",
            target=current,
            section="all",
            reason=f"deactivated; {ended} ended",
        )
    return current


def user_reactivate(*, actor: Any, user: User, reason: str = "") -> User:
    require_manage_users(actor)
    with transaction.atomic():
        current = lock_user(user)
        if current.is_active:
            raise ValidationError("This account is already active.")
        current.is_active = True
        current.deactivated_at = None
        current.save(update_fields=["is_active", "deactivated_at", *stamp(current, actor)])
        audit(
            actor=actor,
            verb="permission_change",
            target=current,
            section="is_active",
            reason=reason or "reactivated",
        )
    return current


def user_reset_mfa(*, actor: Any, user: User, reason: str = "") -> int:
    """Remove every second factor so the person must enrol again at their next sign-in (R7, R13).

    Their sessions end too: otherwise whoever holds one could enrol a factor of their own.
    Returns how many authenticators were removed.
    """
    require_manage_users(actor)
    refuse_self(actor, user, "You cannot reset your own second factors. Use your own security settings.")
    with transaction.atomic():
        current = lock_user(user)
        removed, _ = Authenticator.objects.filter(user_id=current.pk).delete()
        current.save(update_fields=stamp(current, actor))
        audit(
            actor=actor,
            verb="factor_change",
            target=current,
            section="reset",
            reason=reason or "reset by administrator",
        )
        ended = end_all_sessions(current)
        audit(
            actor=actor,
            verb="session_end",
            target=current,
            section="all",
            reason=f"factor reset; {ended} ended",
        )
        send_after_commit("mfa_reset", current)
    return removed
