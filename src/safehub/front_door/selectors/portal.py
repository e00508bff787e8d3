"""What a referring professional sees of their own referrals in the portal (issue 4, item 2).

A projection, not the contact: the reference, the date, a status in words meant for them, the
children's names as they gave them, and once decided the feedback written for them. Never the
RAG rating, partner information, the rationale or anything the MASH added (R19, R21). Another
referrer's referral is the same 404 as a missing one (contact_policy "track"). Feedback the MASH
withheld is not shown at all: the page says only that the MASH will contact them.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import CHILD_ROLES, ContactStatus, DecisionStatus, FeedbackStatus, SubjectRole
from ..models import Contact, ContactSubject, ReferrerFeedback
from ..policies import contact_policy

# The referrer's words for where their referral is; the MASH's own stages are not theirs to see.
STATUS_WORDS = {
    ContactStatus.AWAITING_SCREENING: "Received",
    ContactStatus.IN_PROGRESS: "Being looked at",
    ContactStatus.AWAITING_AUTHORISATION: "Being looked at",
    ContactStatus.DECIDED: "Decision made",
}
PORTAL_LIST_MAX = 200


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, "Being looked at")  # type: ignore[call-overload]


@dataclass(frozen=True)
class PortalReferralRow:
    id: uuid.UUID
    reference: str
    received_at: datetime
    status: str
    decided: bool


@dataclass(frozen=True)
class PortalReferral:
    id: uuid.UUID
    reference: str
    received_at: datetime
    status: str
    decided: bool
    decided_at: datetime | None
    children: list[str]
    feedback_subject: str
    feedback_body: str


def portal_referrals(*, actor: Any) -> list[PortalReferralRow]:
    """The actor's own referrals, newest first (at most PORTAL_LIST_MAX); the list is audited."""
    rows = list(
        contact_policy.scope(actor, Contact.objects.all(), "track")
        .order_by("-received_at")
        .values_list("id", "reference", "received_at", "status")[:PORTAL_LIST_MAX]
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=contact_policy.object_type,
        section="portal",
        result_ids=[row[0] for row in rows],
    )
    return [
        PortalReferralRow(
            id=pk,
            reference=reference,
            received_at=received_at,
            status=status_words(status),
            decided=status == ContactStatus.DECIDED,
        )
        for pk, reference, received_at, status in rows
    ]


def portal_referral_get(*, actor: Any, id: uuid.UUID | str) -> PortalReferral:
    """One of the actor's own referrals as the projection above; audited before it is shown."""
    contact = (
        contact_policy.scope(actor, Contact.objects.all(), "track")
        .filter(pk=id)
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=ContactSubject.objects.filter(role__in=CHILD_ROLES).order_by("created_at"),
            ),
            Prefetch(
                "feedback",
                queryset=ReferrerFeedback.objects.filter(decision__status=DecisionStatus.AUTHORISED)
                .exclude(status=FeedbackStatus.WITHHELD)
                .order_by("-created_at"),
            ),
        )
        .first()
    )
    if contact is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=contact, section="portal")
    decided = contact.status == ContactStatus.DECIDED
    feedback = next(iter(contact.feedback.all()), None) if decided else None
    return PortalReferral(
        id=contact.pk,
        reference=contact.reference,
        received_at=contact.received_at,
        status=status_words(contact.status),
        decided=decided,
        decided_at=contact.decided_at if decided else None,
        children=[
            _child_name(subject)
            for subject in contact.subjects.all()
            # Anyone the MASH added later is not the referrer's to see.
            if subject.from_referrer
        ],
        feedback_subject=feedback.subject if feedback else "",
        feedback_body=feedback.body if feedback else "",
    )


def _child_name(subject: ContactSubject) -> str:
    if subject.role == SubjectRole.UNBORN_CHILD and subject.described_name == "Name not known":
        return "Unborn child"
    return subject.described_name
