"""Requests for access to a restricted record that matched a MASH search (issue 3, item 3).

`access_request_create` is for MASH roles only: they triage contacts and must know that someone
they are searching for is held in a restricted record. The requester never learns which record it
is; information governance (MANAGE_GRANTS) approve by creating a time-bound grant through
`grant_request`, or decline with a note. Each step is one transaction with its audit event (R28).
"""

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability, Role
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..capabilities import SeparationOfDuties, require
from ..models import AccessRequest, AccessRequestStatus, RestrictedRecord
from .grant import grant_request

# Who may be told a restricted record matches, and ask for it (ADR 0002, section 6).
REQUESTER_ROLES = frozenset({Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER})
AUDIT_SECTION = "access_request"


def access_request_create(
    *, actor: Any, object_type: str, object_id: uuid.UUID, reason: str
) -> AccessRequest:
    """Ask for access to one restricted record. Asking again while a request waits returns that one."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "role", None) not in REQUESTER_ROLES:
        raise PermissionRefused("Only MASH staff can ask for access to a restricted record.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Explain why you need to see this record."})
    with transaction.atomic():
        waiting = AccessRequest.objects.filter(
            requester=actor, object_type=object_type, object_id=object_id, status=AccessRequestStatus.PENDING
        ).first()
        if waiting is not None:
            return waiting
        request = AccessRequest(requester=actor, object_type=object_type, object_id=object_id, reason=reason)
        request.full_clean()
        request.save()
        _audit(actor, request, Verb.PERMISSION_CHANGE, reason, "requested")
    return request


def access_request_approve(
    *, actor: Any, request: AccessRequest, expires_at: datetime | None, note: str = ""
) -> AccessRequest:
    """Approve by granting the requester access until `expires_at` (a sealed record's grant then
    waits for its second approver, as every sealed grant does)."""
    require(actor, Capability.MANAGE_GRANTS)
    _check_not_own(actor, request)
    with transaction.atomic():
        request = _locked_pending(request)
        restriction = RestrictedRecord.objects.filter(
            object_type=request.object_type, object_id=request.object_id
        ).first()
        if restriction is None:
            raise ValidationError(
                "This record is no longer restricted, so the requester can already open it."
            )
        grant = grant_request(
            actor=actor,
            restriction=restriction,
            user=request.requester,
            reason=f"Access request: {request.reason}",
            expires_at=expires_at,
        )
        request.status = AccessRequestStatus.APPROVED
        request.grant = grant
        _decide(actor, request, note)
        _audit(actor, request, Verb.PERMISSION_CHANGE, request.note or request.reason, "approved")
    return request


def access_request_decline(*, actor: Any, request: AccessRequest, note: str) -> AccessRequest:
    require(actor, Capability.MANAGE_GRANTS)
    _check_not_own(actor, request)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Explain why the request is declined; the requester is told."})
    with transaction.atomic():
        request = _locked_pending(request)
        request.status = AccessRequestStatus.DECLINED
        _decide(actor, request, note)
        _audit(actor, request, Verb.PERMISSION_CHANGE, note, "declined")
    return request


def _check_not_own(actor: Any, request: AccessRequest) -> None:
    if actor.pk == request.requester_id:
        raise SeparationOfDuties("You made this request, so a colleague must decide it.")


def _locked_pending(request: AccessRequest) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    if locked.status != AccessRequestStatus.PENDING:
        raise ValidationError(f"This request has already been {locked.get_status_display().lower()}.")
    return locked


def _decide(actor: Any, request: AccessRequest, note: str) -> None:
    request.decided_by = actor
    request.decided_at = clock.now()
    request.note = (note or "").strip()
    request.full_clean()
    request.save()


def _audit(actor: Any, request: AccessRequest, verb: str, reason: str, what: str) -> None:
    """On the record asked for, so its access log shows who asked and who decided."""
    record_event(
        actor=actor,
        verb=verb,
        object_type=request.object_type,
        object_id=request.object_id,
        section=AUDIT_SECTION,
        purpose=f"access request {request.pk} {what} for user {request.requester_id}",
        reason=reason,
    )
