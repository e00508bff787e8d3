"""Reads about named, time-bound grants (R22, R26)."""

import uuid
from typing import Any

from django.db.models import QuerySet

from safehub.accounts.constants import Capability
from safehub.accounts.models import User
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..capabilities import require
from ..constants import GrantStatus
from ..models import AccessGrant, RestrictedRecord

_RELATED = ("user", "requested_by", "decided_by", "ended_by", "restriction")


def grant_get(*, actor: Any, id: uuid.UUID) -> AccessGrant:
    require(actor, Capability.MANAGE_GRANTS, Capability.APPROVE_GRANTS)
    grant = AccessGrant.objects.select_related(*_RELATED).filter(pk=id).first()
    if grant is None:
        raise NotFoundOrForbidden()
    return grant


def grants_pending(*, actor: Any) -> QuerySet[AccessGrant]:
    """Sealed-record grants waiting for a second approver, oldest request first."""
    require(actor, Capability.APPROVE_GRANTS)
    return (
        AccessGrant.objects.filter(status=GrantStatus.PENDING)
        .select_related(*_RELATED)
        .order_by("created_at", "id")
    )


def grants_for_record(*, actor: Any, restriction: RestrictedRecord) -> QuerySet[AccessGrant]:
    require(actor, Capability.MANAGE_GRANTS, Capability.APPROVE_GRANTS)
    return restriction.grants.select_related(*_RELATED).order_by("-created_at")


def grants_active_for_user(*, actor: Any, user: Any) -> QuerySet[AccessGrant]:
    """Grants that open a record for `user` right now (their own, or for information governance)."""
    if actor != user:
        require(actor, Capability.MANAGE_GRANTS, Capability.APPROVE_GRANTS)
    now = clock.now()
    return (
        AccessGrant.objects.filter(
            user=user, status=GrantStatus.ACTIVE, starts_at__lte=now, expires_at__gt=now
        )
        .select_related(*_RELATED)
        .order_by("expires_at")
    )


def grant_candidates(*, actor: Any) -> QuerySet[User]:
    """People who could be named on a grant: active accounts other than the actor (R26)."""
    require(actor, Capability.MANAGE_GRANTS)
    return User.objects.filter(is_active=True).exclude(pk=actor.pk)
