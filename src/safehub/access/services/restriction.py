"""Restricting and unrestricting a record (R22). Information governance only."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..capabilities import require
from ..constants import AUDIT_SECTION_RESTRICTION, GrantStatus, Level, RestrictionReason
from ..models import RestrictedRecord
from ..selectors import restricted_object_exists


def record_restrict(
    *,
    actor: Any,
    object_type: str,
    object_id: uuid.UUID,
    level: str,
    reason: str,
    explanation: str = "",
) -> RestrictedRecord:
    """Restrict or seal a record, or change how it is restricted.

    Raising a record to sealed sends its single-approved grants back to pending: a sealed record
    opens only through a grant that a second person approved (R26).
    """
    require(actor, Capability.MANAGE_GRANTS)
    if not restricted_object_exists(object_type=object_type, object_id=object_id):
        raise NotFoundOrForbidden()
    explanation = (explanation or "").strip()
    if reason == RestrictionReason.OTHER and not explanation:
        raise ValidationError({"explanation": "Explain why the record is restricted."})
    with transaction.atomic():
        restriction = (
            RestrictedRecord.objects.select_for_update()
            .filter(object_type=object_type, object_id=object_id)
            .first()
        )
        previous_level = restriction.level if restriction else ""
        if restriction is None:
            restriction = RestrictedRecord(object_type=object_type, object_id=object_id)
        restriction.level = level
        restriction.reason = reason
        restriction.explanation = explanation
        restriction.restricted_by = actor
        restriction.full_clean()
        restriction.save()
        if level == Level.SEALED and previous_level != Level.SEALED:
            for grant in restriction.grants.filter(status=GrantStatus.ACTIVE, decided_by__isnull=True):
                grant.status = GrantStatus.PENDING
                grant.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            verb=Verb.PERMISSION_CHANGE,
            object_type=object_type,
            object_id=object_id,
            section=AUDIT_SECTION_RESTRICTION,
            purpose=f"{previous_level or 'unrestricted'} -> {level}",
            reason=f"{reason}: {explanation}" if explanation else reason,
        )
    return restriction


def record_unrestrict(*, actor: Any, object_type: str, object_id: uuid.UUID, reason: str) -> None:
    """Lift a restriction. Its grants go with it; their history and the audit trail remain."""
    require(actor, Capability.MANAGE_GRANTS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Explain why the restriction is no longer needed."})
    with transaction.atomic():
        restriction = (
            RestrictedRecord.objects.select_for_update()
            .filter(object_type=object_type, object_id=object_id)
            .first()
        )
        if restriction is None:
            raise NotFoundOrForbidden()
        previous_level = restriction.level
        restriction.delete()
        record_event(
            actor=actor,
            verb=Verb.PERMISSION_CHANGE,
            object_type=object_type,
            object_id=object_id,
            section=AUDIT_SECTION_RESTRICTION,
            purpose=f"{previous_level} -> unrestricted",
            reason=reason,
        )
