"""Reads about restricted records: the IG view of one record, the list, and the page banner."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from .. import policies
from ..capabilities import require
from ..constants import GrantStatus, Level
from ..models import AccessGrant, RestrictedRecord
from .break_glass import break_glass_active


def restriction_get(*, object_type: str, object_id: uuid.UUID) -> RestrictedRecord | None:
    return RestrictedRecord.objects.filter(object_type=object_type, object_id=object_id).first()


def restricted_object_exists(*, object_type: str, object_id: uuid.UUID) -> bool:
    """Whether a registered record exists, without the viewing policy.

    Information governance manage restrictions on records their own role cannot open, so this
    asks the table directly; it answers yes or no and returns no content.
    """
    policy = policies.policy_for(object_type)
    return policy.model._default_manager.filter(pk=object_id).exists()


@dataclass(frozen=True)
class RecordAccess:
    """What information governance see about one record's access controls."""

    object_type: str
    object_id: uuid.UUID
    type_label: str
    restriction: RestrictedRecord | None
    grants: list[AccessGrant] = field(default_factory=list)


def restriction_detail(*, actor: Any, object_type: str, object_id: uuid.UUID) -> RecordAccess:
    """The restriction and every grant of one record; 404 for an unknown type or record."""
    require(actor, Capability.MANAGE_GRANTS, Capability.APPROVE_GRANTS)
    policy = policies.policy_for(object_type)
    if not restricted_object_exists(object_type=object_type, object_id=object_id):
        raise NotFoundOrForbidden()
    restriction = restriction_get(object_type=object_type, object_id=object_id)
    grants: list[AccessGrant] = []
    if restriction is not None:
        grants = list(
            restriction.grants.select_related("user", "requested_by", "decided_by", "ended_by").order_by(
                "-created_at"
            )
        )
    return RecordAccess(
        object_type=object_type,
        object_id=object_id,
        type_label=str(policy.model._meta.verbose_name).capitalize(),
        restriction=restriction,
        grants=grants,
    )


def restriction_list(*, actor: Any) -> QuerySet[RestrictedRecord]:
    """Every restricted or sealed record, with counts of grants open now and waiting."""
    require(actor, Capability.MANAGE_GRANTS, Capability.APPROVE_GRANTS)
    now = clock.now()
    return (
        RestrictedRecord.objects.select_related("restricted_by")
        .annotate(
            active_grants=Count(
                "grants",
                filter=Q(
                    grants__status=GrantStatus.ACTIVE,
                    grants__starts_at__lte=now,
                    grants__expires_at__gt=now,
                ),
            ),
            pending_grants=Count("grants", filter=Q(grants__status=GrantStatus.PENDING)),
        )
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class RestrictedFlag:
    """For a record page: "Restricted record — you are using emergency access until 14:32"."""

    level: str
    level_label: str
    reason_label: str
    break_glass_until: datetime | None
    grant_until: datetime | None

    @property
    def is_sealed(self) -> bool:
        return self.level == Level.SEALED

    @property
    def via_emergency_access(self) -> bool:
        """True when only emergency access opens the record, so the page must say so (R23)."""
        return self.break_glass_until is not None and self.grant_until is None


def restriction_banner(*, actor: Any, obj: models.Model) -> RestrictedFlag | None:
    """The banner for a record `actor` has already opened, or None when it is not restricted."""
    object_type = obj._meta.label_lower
    restriction = restriction_get(object_type=object_type, object_id=obj.pk)
    if restriction is None:
        return None
    now = clock.now()
    grant = (
        AccessGrant.objects.filter(
            restriction=restriction,
            user=actor,
            status=GrantStatus.ACTIVE,
            starts_at__lte=now,
            expires_at__gt=now,
        )
        .order_by("-expires_at")
        .first()
    )
    emergency = None
    if restriction.level == Level.RESTRICTED:
        emergency = break_glass_active(actor=actor, object_type=object_type, object_id=obj.pk)
    return RestrictedFlag(
        level=restriction.level,
        level_label=Level(restriction.level).label.split(" (")[0],
        reason_label=restriction.get_reason_display(),
        break_glass_until=emergency.expires_at if emergency else None,
        grant_until=grant.expires_at if grant else None,
    )
