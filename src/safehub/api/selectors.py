"""Reads for the API app: resolving a presented token, and the key administration lists."""

import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet

from safehub.accounts.constants import PRIVILEGED_ROLES, ROLE_CAPABILITIES, Capability
from safehub.accounts.models import Agency, User
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from .models import ApiKey
from .tokens import hash_secret


@dataclass(frozen=True)
class PresentedKey:
    """What a presented token turned out to be: the key its prefix names (if any) and whether the
    secret matched. The caller decides what a revoked, expired or mismatched key means."""

    key: ApiKey | None
    secret_matches: bool


def api_key_for_token(*, prefix: str, secret: str) -> PresentedKey:
    """Look the key up by its prefix (not a secret) and compare the secret's hash in constant
    time, so response timing says nothing about how much of the secret was right."""
    key = ApiKey.objects.select_related("user", "user__agency", "agency").filter(prefix=prefix).first()
    if key is None:
        return PresentedKey(key=None, secret_matches=False)
    return PresentedKey(key=key, secret_matches=hmac.compare_digest(key.key_hash, hash_secret(secret)))


def has_second_factor(*, user: Any) -> bool:
    """Whether `user` has enrolled an authenticator app or a security key (R7).

    Recovery codes alone do not count: they back up a factor, they are not one.
    """
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def _require_manager(actor: Any) -> None:
    if not actor.has_capability(Capability.MANAGE_API_KEYS):
        raise PermissionRefused()


def api_key_list(*, actor: Any) -> QuerySet[ApiKey]:
    _require_manager(actor)
    return ApiKey.objects.select_related("agency", "user", "created_by").order_by("-created_at")


def api_key_get(*, actor: Any, id: uuid.UUID | str) -> ApiKey:
    _require_manager(actor)
    key = ApiKey.objects.select_related("agency", "user", "created_by", "revoked_by").filter(pk=id).first()
    if key is None:
        raise NotFoundOrForbidden()
    return key


def key_agencies(*, actor: Any) -> QuerySet[Agency]:
    """Agencies that may own a key."""
    _require_manager(actor)
    return Agency.objects.filter(is_active=True).order_by("name")


def key_acting_users(*, actor: Any) -> QuerySet[User]:
    """Users a key may act as: active, unprivileged, and never the administrator making it."""
    _require_manager(actor)
    return (
        User.objects.filter(is_active=True, agency__isnull=False)
        .exclude(role__in=PRIVILEGED_ROLES)
        .exclude(pk=actor.pk)
        .select_related("agency")
        .order_by("agency__name", "full_name")
    )


def whoami(*, user: Any, key: ApiKey | None) -> dict[str, Any]:
    """The caller as the API sees them: the acting user, their role and agency, the key used."""
    agency = user.agency
    capabilities = sorted(ROLE_CAPABILITIES.get(user.role, frozenset())) if user.is_active else []
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "agency": {"id": agency.pk, "name": agency.name, "kind": agency.kind} if agency else None,
        "authentication": "api_key" if isinstance(key, ApiKey) else "session",
        "capabilities": capabilities,
        "scopes": list(key.scopes) if isinstance(key, ApiKey) else [],
        "key": (
            {"prefix": key.prefix, "name": key.name, "expires_at": key.expires_at}
            if isinstance(key, ApiKey)
            else None
        ),
    }
