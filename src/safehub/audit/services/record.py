"""Appending to the audit trail."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction

from safehub.platform import clock, context

from .. import chain
from ..constants import Outcome
from ..models import AuditChainHead, AuditEvent


def _describe(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    raise TypeError(f"Audit targets are model instances, not {type(target).__name__}.")


def record_event(
    *,
    actor: Any,
    verb: str,
    target: Any = None,
    object_type: str = "",
    object_id: str | uuid.UUID = "",
    section: str = "",
    purpose: str = "",
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    result_ids: Iterable[Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event and move the chain head, atomically.

    Called inside the caller's transaction for a write, so the event and the change commit or roll
    back together (R28). Called on its own for a read, it commits before the caller renders
    anything; if it raises, the caller has nothing to show (fail closed).
    """
    if target is not None:
        object_type, object_id = _describe(target)
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    detail: dict[str, Any] = {}
    if result_ids is not None:
        detail["result_ids"] = [str(i) for i in result_ids]
        detail["result_count"] = len(detail["result_ids"])
    values: dict[str, Any] = {
        "occurred_at": clock.now(),
        "actor_id": str(user.pk) if user else "",
        "actor_label": user.email if user else actor_label,
        "actor_role": getattr(user, "role", "") if user else "",
        "actor_agency_id": str(user.agency_id) if user and user.agency_id else "",
        "verb": str(verb),
        "outcome": str(outcome),
        "object_type": object_type,
        "object_id": str(object_id) if object_id else "",
        "section": section,
        "purpose": purpose,
        "reason": reason,
        "channel": ctx.channel,
        "request_id": ctx.request_id,
        "ip": ctx.ip,
        "session_hash": ctx.session_hash,
        "detail": detail,
    }
    with transaction.atomic():
        head = _lock_head()
        values["seq"] = head.seq + 1
        digest = chain.link_hash(head.hash, values)
        event = AuditEvent.objects.create(
            seq=values["seq"],
            occurred_at=values["occurred_at"],
            actor=user,
            actor_label=values["actor_label"],
            actor_role=values["actor_role"],
            actor_agency_id=user.agency_id if user else None,
            verb=values["verb"],
            outcome=values["outcome"],
            object_type=object_type,
            object_id=values["object_id"],
            section=section,
            purpose=purpose,
            reason=reason,
            channel=values["channel"],
            request_id=values["request_id"],
            ip=values["ip"] or None,
            session_hash=values["session_hash"],
            detail=detail,
            prev_hash=head.hash,
            hash=digest,
        )
        # The head row is the one mutable audit table; it is the lock, not the evidence.
        AuditChainHead.objects.filter(pk=head.pk).update(seq=values["seq"], hash=digest)
    return event


def _lock_head() -> AuditChainHead:
    """Take the chain head under a lock that serialises every append.

    PostgreSQL: SELECT ... FOR UPDATE on the single head row. SQLite: the connection opens every
    transaction with BEGIN IMMEDIATE, so the database write lock is already held.
    """
    qs = AuditChainHead.objects.all()
    if connection.features.has_select_for_update:
        qs = qs.select_for_update()
    head = qs.filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = qs.get(pk=1)
    return head
