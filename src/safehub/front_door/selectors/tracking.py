"""What the sender of a contact may follow: its reference, status and the feedback meant for it.

The partner-system API's status endpoint reads through here; the portal's own pages use the same
status words (`selectors.portal.status_words`), so a referrer hears the same thing either way.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import ContactStatus, FeedbackStatus
from ..models import Contact, ReferrerFeedback
from ..policies import contact_policy
from .portal import status_words

TRACKING_CODES = {
    ContactStatus.AWAITING_SCREENING: "received",
    ContactStatus.IN_PROGRESS: "being_looked_at",
    ContactStatus.AWAITING_AUTHORISATION: "being_looked_at",
    ContactStatus.DECIDED: "decided",
}


@dataclass(frozen=True)
class ContactTracking:
    """What the sender of a contact may know about it: no RAG, no rationale, no partner content."""

    id: Any
    reference: str
    received_at: dt.datetime
    status_code: str
    status_text: str
    decided_at: dt.datetime | None
    feedback_subject: str = ""
    feedback_body: str = ""


def contact_tracking(contact: Contact, *, with_feedback: bool = True) -> ContactTracking:
    code, text = TRACKING_CODES[ContactStatus(contact.status)], status_words(contact.status)
    subject = body = ""
    if with_feedback and contact.status == ContactStatus.DECIDED:
        # Withheld feedback is for the MASH to give in person; the sender hears what the portal says.
        feedback = (
            ReferrerFeedback.objects.filter(contact=contact)
            .exclude(status=FeedbackStatus.WITHHELD)
            .order_by("-created_at")
            .first()
        )
        if feedback is not None:
            subject, body = feedback.subject, feedback.body
    return ContactTracking(
        id=contact.pk,
        reference=contact.reference,
        received_at=contact.received_at,
        status_code=code,
        status_text=text,
        decided_at=contact.decided_at if contact.status == ContactStatus.DECIDED else None,
        feedback_subject=subject,
        feedback_body=body,
    )


def contact_track_get(*, actor: Any, reference: str) -> ContactTracking:
    """The contact `reference` as its sender sees it (contact_policy "track"), audited.

    Someone else's contact and a reference that does not exist are the same 404 (R19).
    """
    contact = contact_policy.scope(actor, Contact.objects.filter(reference=reference), "track").first()
    if contact is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=contact, section="status", purpose="track")
    return contact_tracking(contact)


def contact_duplicate_receipt(*, actor: Any, contact: Contact) -> ContactTracking:
    """A partner system sent the same external reference again: tell it which contact it was.

    Only the reference and status go back (the sender's agency already holds them), and the read
    is audited like any other.
    """
    record_event(actor=actor, verb=Verb.VIEW, target=contact, section="duplicate submission", purpose="track")
    return contact_tracking(contact, with_feedback=False)
