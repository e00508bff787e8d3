"""Named, time-bound grants to restricted and sealed records (R22, R26).

A restricted-record grant opens at once. A sealed-record grant stays pending until a second
person approves it: someone with the approval capability who neither asked for it nor receives
it. Nobody can grant themselves access.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock

from ..capabilities import SeparationOfDuties, require
from ..constants import AUDIT_SECTION_GRANT, MAX_GRANT_DURATION, GrantStatus, Level
from ..models import AccessGrant, RestrictedRecord

# A form posted a few seconds after "now" was computed must not be refused as in the past.
_CLOCK_SKEW_SECONDS = 300


def grant_request(
    *,
    actor: Any,
    restriction: RestrictedRecord,
    user: Any,
    reason: str,
    expires_at: datetime | None,
    starts_at: datetime | None = None,
) -> AccessGrant:
    require(actor, Capability.MANAGE_GRANTS)
    if user is not None and user.pk == actor.pk:
        raise SeparationOfDuties(
            "You cannot grant access to yourself. Ask a colleague in information governance."
        )
    now = clock.now()
    starts_at = starts_at or now
    expires_at = _validate_request(
        restriction=restriction, user=user, reason=reason, starts_at=starts_at, expires_at=expires_at
    )
    with transaction.atomic():
        # Lock the restriction so it cannot be lifted or re-levelled under this request.
        restriction = RestrictedRecord.objects.select_for_update().get(pk=restriction.pk)
        if _open_or_waiting(restriction, user, now).exists():
            raise ValidationError({"user": f"{user} already has a grant for this record, or one waiting."})
        grant = AccessGrant(
            restriction=restriction,
            user=user,
            reason=reason.strip(),
            starts_at=starts_at,
            expires_at=expires_at,
            status=GrantStatus.PENDING if restriction.level == Level.SEALED else GrantStatus.ACTIVE,
            requested_by=actor,
        )
        grant.full_clean()
        grant.save()
        pending = grant.status == GrantStatus.PENDING
        _audit(actor, grant, Verb.PERMISSION_CHANGE if pending else Verb.GRANT, grant.reason, "requested")
    return grant


def grant_approve(*, actor: Any, grant: AccessGrant, notes: str = "") -> AccessGrant:
    """The second pair of eyes on a sealed-record grant (R26)."""
    require(actor, Capability.APPROVE_GRANTS)
    _check_third_person(actor, grant, "approve")
    with transaction.atomic():
        grant = _locked_pending(grant)
        if grant.expires_at <= clock.now():
            raise ValidationError("This request has already passed its end date. Ask for a new grant.")
        grant.status = GrantStatus.ACTIVE
        grant.decided_by = actor
        grant.decided_at = clock.now()
        grant.decision_notes = (notes or "").strip()
        grant.full_clean()
        grant.save()
        _audit(actor, grant, Verb.GRANT, grant.decision_notes or grant.reason, "approved")
    return grant


def grant_refuse(*, actor: Any, grant: AccessGrant, notes: str) -> AccessGrant:
    require(actor, Capability.APPROVE_GRANTS)
    _check_third_person(actor, grant, "refuse")
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Explain why the request is refused."})
    with transaction.atomic():
        grant = _locked_pending(grant)
        grant.status = GrantStatus.REFUSED
        grant.decided_by = actor
        grant.decided_at = clock.now()
        grant.decision_notes = notes
        grant.full_clean()
        grant.save()
        _audit(actor, grant, Verb.PERMISSION_CHANGE, notes, "refused")
    return grant


def grant_revoke(*, actor: Any, grant: AccessGrant, reason: str) -> AccessGrant:
    """End an active grant, or withdraw a pending request, before its time."""
    require(actor, Capability.MANAGE_GRANTS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Explain why the grant is revoked."})
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().select_related("restriction").get(pk=grant.pk)
        if grant.status not in (GrantStatus.ACTIVE, GrantStatus.PENDING):
            raise ValidationError(f"This grant is already {grant.get_status_display().lower()}.")
        grant.status = GrantStatus.REVOKED
        grant.ended_by = actor
        grant.ended_at = clock.now()
        grant.end_reason = reason
        grant.full_clean()
        grant.save()
        _audit(actor, grant, Verb.REVOKE, reason, "revoked")
    return grant


def _validate_request(
    *,
    restriction: RestrictedRecord,
    user: Any,
    reason: str,
    starts_at: datetime,
    expires_at: datetime | None,
) -> datetime:
    """Check a request; return its end, which is then known to be present."""
    errors: dict[str, str] = {}
    if user is None or not user.is_active:
        errors["user"] = "Choose an active Safehub user."
    if not (reason or "").strip():
        errors["reason"] = "Explain why this person needs access."
    now = clock.now()
    if starts_at.timestamp() < now.timestamp() - _CLOCK_SKEW_SECONDS:
        errors["starts_at"] = "A grant cannot start in the past."
    ceiling = MAX_GRANT_DURATION[Level(restriction.level)]
    if expires_at is None:
        errors["expires_at"] = "Enter the date the grant ends."
    elif expires_at <= max(starts_at, now):
        errors["expires_at"] = "The end must be after the start, and in the future."
    elif expires_at - starts_at > ceiling:
        errors["expires_at"] = (
            f"A grant to a {restriction.level} record can last at most {ceiling.days} days."
        )
    if errors or expires_at is None:
        raise ValidationError(errors)
    return expires_at


def _open_or_waiting(restriction: RestrictedRecord, user: Any, now: datetime) -> Any:
    return restriction.grants.filter(user=user, expires_at__gt=now).filter(
        status__in=[GrantStatus.ACTIVE, GrantStatus.PENDING]
    )


def _check_third_person(actor: Any, grant: AccessGrant, verb: str) -> None:
    if actor.pk == grant.requested_by_id:
        raise SeparationOfDuties(f"You asked for this grant, so a different approver must {verb} it.")
    if actor.pk == grant.user_id:
        raise SeparationOfDuties(f"This grant is for you, so a different approver must {verb} it.")


def _locked_pending(grant: AccessGrant) -> AccessGrant:
    locked = AccessGrant.objects.select_for_update().select_related("restriction").get(pk=grant.pk)
    if locked.status != GrantStatus.PENDING:
        raise ValidationError(f"This request is already {locked.get_status_display().lower()}.")
    return locked


def _audit(actor: Any, grant: AccessGrant, verb: str, reason: str, what: str) -> None:
    record_event(
        actor=actor,
        verb=verb,
        object_type=grant.restriction.object_type,
        object_id=grant.restriction.object_id,
        section=AUDIT_SECTION_GRANT,
        purpose=f"grant {grant.pk} {what} for user {grant.user_id}",
        reason=reason,
    )
