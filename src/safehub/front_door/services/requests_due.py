"""Due times of information requests: from the contact's RAG, recomputed when it changes."""

from datetime import datetime

from ..clocks import Clocks
from ..constants import REQUEST_CLOCK, ClockKey, Rag, RequestStatus
from ..models import Contact, InformationRequest


def request_due(sent_at: datetime, rag: str, clocks: Clocks) -> tuple[datetime, datetime]:
    """(due_at, escalate_at) for a request sent at `sent_at` about a contact rated `rag`.

    A request sent before the contact is rated runs on the amber clock: the hub has not yet
    said it is urgent, nor that it can wait.
    """
    due_at = clocks.due_after(sent_at, REQUEST_CLOCK[rag or Rag.AMBER])
    return due_at, clocks.due_after(due_at, ClockKey.ESCALATION)


def requests_recompute_due(contact: Contact, clocks: Clocks | None = None) -> int:
    """Recompute the due times of the contact's open requests (the caller's transaction)."""
    clocks = clocks or Clocks()
    changed = 0
    for request in InformationRequest.objects.filter(contact=contact, status=RequestStatus.OPEN):
        due_at, escalate_at = request_due(request.sent_at, contact.rag, clocks)
        if (due_at, escalate_at) != (request.due_at, request.escalate_at):
            request.due_at, request.escalate_at = due_at, escalate_at
            request.save(update_fields=["due_at", "escalate_at", "updated_at"])
            changed += 1
    return changed
