"""Reads about restrictions, grants and emergency access."""

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from safehub.platform import clock

from .constants import GrantStatus, Level
from .models import AccessGrant, BreakGlassAccess, RestrictedRecord


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
    return BreakGlassAccess.objects.filter(
        user=actor, object_type=object_type, expires_at__gt=clock.now()
    ).values("object_id")


def hidden_ids(*, actor: Any, object_type: str) -> QuerySet[Any]:
    """Ids of restricted or sealed records of this type that `actor` may not open now.

    A subquery, so callers exclude them inside the database before counting or paging (T3).
    Emergency access opens restricted records only; sealed ones need a named grant (R23).
    """
    opened = Q(object_id__in=_granted_ids(actor, object_type)) | Q(
        level=Level.RESTRICTED, object_id__in=_break_glass_ids(actor, object_type)
    )
    return RestrictedRecord.objects.filter(object_type=object_type).exclude(opened).values("object_id")


def may_open(*, actor: Any, object_type: str, object_id: uuid.UUID) -> bool:
    restriction = RestrictedRecord.objects.filter(object_type=object_type, object_id=object_id).first()
    if restriction is None:
        return True
    return not RestrictedRecord.objects.filter(
        pk=restriction.pk, object_id__in=hidden_ids(actor=actor, object_type=object_type)
    ).exists()


def restriction_get(*, object_type: str, object_id: uuid.UUID) -> RestrictedRecord | None:
    return RestrictedRecord.objects.filter(object_type=object_type, object_id=object_id).first()


def break_glass_active(*, actor: Any, object_type: str, object_id: uuid.UUID) -> BreakGlassAccess | None:
    return (
        BreakGlassAccess.objects.filter(
            user=actor, object_type=object_type, object_id=object_id, expires_at__gt=clock.now()
        )
        .order_by("-expires_at")
        .first()
    )


def break_glass_review_queue() -> QuerySet[BreakGlassAccess]:
    return BreakGlassAccess.objects.filter(review_outcome="").select_related("user").order_by("started_at")


def grants_pending() -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(status=GrantStatus.PENDING).select_related(
        "user", "requested_by", "restriction"
    )
