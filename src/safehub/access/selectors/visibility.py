"""The restriction filter every policy applies before its own rules (R19, R22, R23).

`hidden_ids` is a subquery, so callers exclude restricted records inside the database, before any
count, page or search ranking sees them (T3). `may_open` answers the same question for one record.
"""

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from safehub.platform import clock

from ..constants import GrantStatus, Level
from ..models import AccessGrant, BreakGlassAccess, RestrictedRecord


def _granted_ids(actor: Any, object_type: str) -> QuerySet[Any]:
    now = clock.now()
    return AccessGrant.objects.filter(
        user=actor,
        status=GrantStatus.ACTIVE,
        starts_at__lte=now,
        expires_at__gt=now,
        restriction__object_type=object_type,
    ).values("restriction__object_id")


def _break_glass_ids(actor: Any, object_type: str) -> QuerySet[Any]:
    now = clock.now()
    return BreakGlassAccess.objects.filter(
        user=actor, object_type=object_type, started_at__lte=now, expires_at__gt=now
    ).values("object_id")


def hidden_ids(*, actor: Any, object_type: str) -> QuerySet[Any]:
    """Ids of restricted or sealed records of this type that `actor` may not open now.

    A record opens through an active grant inside its time window, or (restricted only) through
    the actor's unexpired emergency access; sealed records need a named grant (R23).
    """
    opened = Q(object_id__in=_granted_ids(actor, object_type)) | Q(
        level=Level.RESTRICTED, object_id__in=_break_glass_ids(actor, object_type)
    )
    return RestrictedRecord.objects.filter(object_type=object_type).exclude(opened).values("object_id")


def may_open(*, actor: Any, object_type: str, object_id: uuid.UUID) -> bool:
    """The one-record form of `hidden_ids`: the same query, so the two cannot disagree."""
    return not hidden_ids(actor=actor, object_type=object_type).filter(object_id=object_id).exists()


def restricted_among(*, object_type: str, object_ids: list[Any]) -> set[Any]:
    """Which of these records have a restriction row (restricted or sealed, opened or not).

    For `Policy.visible`: an id not returned here cannot be hidden by `hidden_ids`.
    """
    if not object_ids:
        return set()
    return set(
        RestrictedRecord.objects.filter(object_type=object_type, object_id__in=object_ids).values_list(
            "object_id", flat=True
        )
    )
