"""Making, revoking and using API keys. Only system administrators manage keys (R18, R26)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from safehub.accounts.constants import Capability
from safehub.audit.constants import Outcome, Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..constants import KEY_MAX_LIFETIME
from ..models import ApiKey
from ..tokens import format_token, hash_secret, new_prefix, new_secret


def _new_prefix() -> str:
    # 36^8 prefixes: a clash is vanishingly rare, but retrying costs nothing.
    for _ in range(5):
        prefix = new_prefix()
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix
    raise RuntimeError("Could not find a free API key prefix.")


def _require_manager(actor: Any) -> None:
    if not actor.has_capability(Capability.MANAGE_API_KEYS):
        raise PermissionRefused()


def _check_acting_user(*, actor: Any, user: Any, agency: Any) -> None:
    if user.pk == actor.pk:
        # Separation of duties (R26): an administrator cannot mint a credential for themselves.
        raise ValidationError({"user": ["You cannot make a key that acts as yourself."]})
    if user.is_privileged:
        # A key has no second factor, so it must never carry a privileged role (R7).
        raise ValidationError(
            {"user": ["A key cannot act as a system administrator or information governance officer."]}
        )
    if not user.is_active:
        raise ValidationError({"user": ["The acting user's account is deactivated."]})
    if user.agency_id != agency.pk:
        raise ValidationError({"user": [f"The acting user must belong to {agency}."]})


def _check_expiry(expires_at: datetime) -> None:
    now = clock.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": ["The expiry must be in the future."]})
    if expires_at > now + KEY_MAX_LIFETIME:
        raise ValidationError({"expires_at": ["A key must expire within one year."]})


def api_key_create(
    *,
    actor: Any,
    name: str,
    agency: Any,
    user: Any,
    scopes: list[str],
    expires_at: datetime,
) -> tuple[ApiKey, str]:
    """Make a key and return it with its token. The token is never stored and cannot be shown again."""
    _require_manager(actor)
    if not agency.is_active:
        raise ValidationError({"agency": ["This agency is no longer active."]})
    _check_acting_user(actor=actor, user=user, agency=agency)
    _check_expiry(expires_at)
    secret = new_secret()
    with transaction.atomic():
        key = ApiKey(
            name=name,
            agency=agency,
            user=user,
            prefix=_new_prefix(),
            key_hash=hash_secret(secret),
            scopes=list(scopes),
            expires_at=expires_at,
            created_by=actor,
        )
        key.full_clean()
        key.save()
        record_event(actor=actor, verb=Verb.CREATE, target=key, section=",".join(key.scopes))
    return key, format_token(key.prefix, secret)


def api_key_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    """Stop a key working from now on. Revoking a revoked key changes nothing and records nothing."""
    _require_manager(actor)
    with transaction.atomic():
        current = ApiKey.objects.select_for_update().get(pk=key.pk)
        if current.revoked_at is not None:
            return current
        current.revoked_at = clock.now()
        current.revoked_by = actor
        current.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        record_event(actor=actor, verb=Verb.REVOKE, target=current)
    return current


def api_key_mark_used(*, key: ApiKey) -> None:
    """Record when a key was last used.

    One filtered UPDATE: concurrent requests can only move the time forward, never lose a later
    value to an earlier one, and nothing else on the row is rewritten.
    """
    now = clock.now()
    ApiKey.objects.filter(pk=key.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now)).update(
        last_used_at=now
    )
    key.last_used_at = now


def api_key_record_refusal(*, key: ApiKey, reason: str) -> None:
    """Audit a refused use of a real key (wrong secret, expired, revoked, acting user deactivated).

    Only tokens whose prefix names a key are recorded, so random garbage cannot flood the trail.
    """
    record_event(
        actor=None,
        actor_label=f"api key {key.prefix}",
        verb=Verb.LOGIN_FAILED,
        target=key,
        outcome=Outcome.FAILURE,
        reason=reason,
    )
