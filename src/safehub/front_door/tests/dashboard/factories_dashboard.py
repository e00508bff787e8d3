"""Contacts at known moments with known clocks, ratings, decisions and partner answers."""

from datetime import datetime, timedelta
from typing import Any

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory

from ...constants import ContactStatus, Outcome, Rag, RequestStatus
from ...models import Contact, InformationRequest, RagRating
from ..factories import ContactFactory


class Seeder:
    """Builds rows directly (the services are tested elsewhere), sharing one MASH user."""

    def __init__(self) -> None:
        self.staff = UserFactory(role=Role.MASH_MANAGER)

    def contact(
        self,
        received_at: datetime,
        *,
        rag: str = "",
        rated_after: timedelta | None = None,
        rag_clock: timedelta = timedelta(hours=4),
        decided_after: timedelta | None = None,
        outcome: str = Outcome.NO_FURTHER_ACTION,
        source: str = "2A",
        next_due_at: datetime | None = None,
    ) -> Contact:
        decision_due_at = received_at + timedelta(days=1)
        decided = decided_after is not None
        contact = ContactFactory(
            received_at=received_at,
            recorded_by=self.staff,
            referral_source=source,
            rag=rag,
            rag_due_at=received_at + rag_clock if rag else None,
            decision_due_at=decision_due_at,
            next_due_at=None if decided else (next_due_at or decision_due_at),
            status=ContactStatus.DECIDED
            if decided
            else (ContactStatus.IN_PROGRESS if rag else ContactStatus.AWAITING_SCREENING),
            decided_at=received_at + decided_after if decided_after is not None else None,
            outcome=outcome if decided else "",
            screened_at=received_at + rated_after if rated_after is not None else None,
        )
        if rag and rated_after is not None:
            self.rating(contact, rag, at=received_at + rated_after, due_at=received_at + rag_clock)
        return contact

    def rating(
        self, contact: Contact, rag: str, *, at: datetime, due_at: datetime, previous: str = ""
    ) -> RagRating:
        rating = RagRating.objects.create(
            contact=contact,
            rag=rag,
            previous=previous,
            set_by=self.staff,
            due_at=due_at,
            reason="Changed after police information" if previous else "",
        )
        # created_at is set on save; the dashboard reads when the rating was given.
        RagRating.objects.filter(pk=rating.pk).update(created_at=at)
        return rating

    def request(
        self,
        contact: Contact,
        agency: Any,
        *,
        sent_at: datetime,
        due_after: timedelta = timedelta(hours=3),
        answered_after: timedelta | None = None,
    ) -> InformationRequest:
        return InformationRequest.objects.create(
            contact=contact,
            agency=agency,
            question="Anything known at the address?",
            status=RequestStatus.ANSWERED if answered_after is not None else RequestStatus.OPEN,
            sent_by=self.staff,
            sent_at=sent_at,
            due_at=sent_at + due_after,
            answered_at=sent_at + answered_after if answered_after is not None else None,
            updated_by=self.staff,
        )


def police() -> Any:
    return AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)


def health() -> Any:
    return AgencyFactory(name="Test Health Trust", kind=AgencyKind.HEALTH_TRUST)


RED, AMBER, GREEN = Rag.RED, Rag.AMBER, Rag.GREEN
