"""Break-the-glass: emergency access to a restricted record, and its review (R23).

The view in front of `break_glass_start` asks for step-up re-authentication (R17); the service
records the use, its reason and its two-hour window, and alerts information governance after
commit. Sealed records never open this way: they need a named grant.
"""

import functools
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Outcome, Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..capabilities import SeparationOfDuties, require
from ..constants import (
    AUDIT_SECTION_BREAK_GLASS,
    BREAK_GLASS_DURATION,
    BREAK_GLASS_MIN_REASON_LENGTH,
    BreakGlassReason,
    ReviewOutcome,
)
from ..models import BreakGlassAccess
from ..selectors import break_glass_target
from .alerts import send_break_glass_alert


def break_glass_start(
    *,
    actor: Any,
    object_type: str,
    object_id: uuid.UUID,
    reason_code: str,
    reason_text: str,
) -> BreakGlassAccess:
    require(actor, Capability.BREAK_GLASS)
    reason_text = (reason_text or "").strip()
    errors: dict[str, str] = {}
    if reason_code not in BreakGlassReason.values:
        errors["reason_code"] = "Select why you need emergency access."
    if len(reason_text) < BREAK_GLASS_MIN_REASON_LENGTH:
        errors["reason_text"] = (
            f"Explain the emergency in at least {BREAK_GLASS_MIN_REASON_LENGTH} characters; "
            "a reviewer will read it."
        )
    if errors:
        raise ValidationError(errors)
    try:
        break_glass_target(actor=actor, object_type=object_type, object_id=object_id)
    except NotFoundOrForbidden:
        # An attempt on a sealed or unknown record is itself worth a reviewer's eye (T19).
        record_event(
            actor=actor,
            verb=Verb.BREAK_GLASS,
            object_type=object_type[:100],
            object_id=object_id,
            section=AUDIT_SECTION_BREAK_GLASS,
            reason=f"{reason_code}: {reason_text}",
            outcome=Outcome.DENIED,
        )
        raise
    now = clock.now()
    with transaction.atomic():
        use = BreakGlassAccess(
            user=actor,
            object_type=object_type,
            object_id=object_id,
            reason_code=reason_code,
            reason_text=reason_text,
            started_at=now,
            expires_at=now + BREAK_GLASS_DURATION,
        )
        use.full_clean()
        use.save()
        record_event(
            actor=actor,
            verb=Verb.BREAK_GLASS,
            object_type=object_type,
            object_id=object_id,
            section=AUDIT_SECTION_BREAK_GLASS,
            purpose=f"until {use.expires_at:%Y-%m-%dT%H:%MZ}",
            reason=f"{reason_code}: {reason_text}",
        )
        # The alert must not go out for a use that rolled back, nor roll back a use that stood
        # (R51): after commit, and a mail failure is logged rather than raised.
        transaction.on_commit(functools.partial(send_break_glass_alert, use.pk), robust=True)
    return use


def break_glass_review(*, actor: Any, access: BreakGlassAccess, outcome: str, notes: str) -> BreakGlassAccess:
    """Record the outcome of one use. Every use needs one; nobody reviews their own (R23, R26)."""
    require(actor, Capability.REVIEW_BREAK_GLASS)
    if actor.pk == access.user_id:
        raise SeparationOfDuties("You cannot review your own emergency access. Another officer must.")
    notes = (notes or "").strip()
    errors: dict[str, str] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Select the outcome of the review."
    elif outcome != ReviewOutcome.JUSTIFIED and not notes:
        errors["notes"] = "Explain why the access was not justified, and what happens next."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        use = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
        if use.review_outcome:
            raise ValidationError("This use has already been reviewed.")
        use.review_outcome = outcome
        use.review_notes = notes
        use.reviewed_by = actor
        use.reviewed_at = clock.now()
        use.full_clean()
        use.save()
        record_event(
            actor=actor,
            verb=Verb.BREAK_GLASS_REVIEW,
            object_type=use.object_type,
            object_id=use.object_id,
            section=AUDIT_SECTION_BREAK_GLASS,
            purpose=f"review of use {use.pk}",
            reason=f"{outcome}: {notes}" if notes else outcome,
        )
    return use
