"""Handovers: the work a MASH decision passes to another service (issue 4, item 6).

The front door never writes a receiving app's tables. It leaves a `Handover` row that the
receiving app (early help, children's social care) picks up through `handover_pick_up` when it
opens its own record, quoting that record's reference. The contract is in
docs/how-to/mash-decisions-and-portal.md.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import OUTCOME_HANDOVER, HandoverStatus
from ..models import Decision, Handover
from ..selectors.handovers import may_pick_up

ALREADY_PICKED_UP = "This work has already been picked up"


class HandoverAlreadyPickedUp(ValidationError):
    """Someone else picked it up first; `.handover` is the row as it now stands."""

    def __init__(self, handover: Handover) -> None:
        self.handover = handover
        super().__init__(ALREADY_PICKED_UP, code="picked_up")


def handover_create(*, actor: Any, decision: Decision) -> Handover | None:
    """The handover an authorised decision makes, if its outcome leaves the front door.

    Called only from `decision_authorise`, inside its transaction, so a decision is never
    authorised without the handover it promises (and never leaves one behind if it fails).
    """
    service = OUTCOME_HANDOVER.get(decision.outcome)  # type: ignore[call-overload]
    if service is None:
        return None
    handover = Handover(contact=decision.contact, decision=decision, service=service)
    handover.full_clean()
    handover.save()
    record_event(actor=actor, verb=Verb.CREATE, target=handover, section=str(service))
    return handover


def handover_pick_up(*, actor: Any, handover: Handover, receiving_reference: str = "") -> Handover:
    """The receiving service takes the work on.

    Who may: see `selectors.handovers.may_pick_up` (by role until the receiving apps bring their
    own teams and allocation). Anyone else gets the same answer as for a missing handover.

    A retry by the same person with the same reference (a double submit, a task run twice)
    returns the handover unchanged; anyone else gets `HandoverAlreadyPickedUp`, and nothing is
    written, so two teams never both believe they own the child's next step.
    """
    if not may_pick_up(actor, handover.service):
        raise NotFoundOrForbidden()
    receiving_reference = receiving_reference.strip()
    with transaction.atomic():
        current = Handover.objects.select_for_update().get(pk=handover.pk)
        if current.status == HandoverStatus.PICKED_UP:
            retry = current.picked_up_by_id == actor.pk and receiving_reference in (
                "",
                current.receiving_reference,
            )
            if retry:
                return current
            raise HandoverAlreadyPickedUp(current)
        current.status = HandoverStatus.PICKED_UP
        current.picked_up_by = actor
        current.picked_up_at = clock.now()
        current.receiving_reference = receiving_reference
        current.full_clean()
        current.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="pick_up")
    return current
