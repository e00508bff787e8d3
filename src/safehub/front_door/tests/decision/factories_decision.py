"""Contacts ready for a decision, and decisions in each state (synthetic data only)."""

from datetime import timedelta
from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.platform import clock

from ...constants import ContactStatus, DecisionStatus, Rag, SubjectRole
from ...models import Contact, Decision
from ..factories import ContactFactory, ContactSubjectFactory


def screened_contact(*, linked: bool = True, **kwargs: Any) -> Contact:
    """An open contact with an amber rating, one child and one parent (linked to people or not)."""
    now = clock.now()
    fields: dict[str, Any] = {
        "status": ContactStatus.IN_PROGRESS,
        "rag": Rag.AMBER,
        "rag_due_at": now + timedelta(days=1),
        "screened_at": now,
        **kwargs,
    }
    contact = ContactFactory(**fields)
    ContactSubjectFactory(contact=contact, role=SubjectRole.CHILD)
    if linked:
        ContactSubjectFactory(contact=contact, role=SubjectRole.PARENT_CARER)
    else:
        ContactSubjectFactory(
            contact=contact,
            role=SubjectRole.PARENT_CARER,
            person=None,
            details={"given_name": "Dorian", "family_name": "Quarrendon"},
        )
    return contact


def proposed_decision(contact: Contact | None = None, *, outcome: str = "early_help", **kw: Any) -> Decision:
    contact = contact or screened_contact(**kw)
    contact.status = ContactStatus.AWAITING_AUTHORISATION
    contact.save(update_fields=["status"])
    return Decision.objects.create(
        contact=contact,
        outcome=outcome,
        rationale="Neglect indicators; parents willing to work with early help (test rationale).",
        status=DecisionStatus.PROPOSED,
        proposed_by=UserFactory(role=Role.MASH_SOCIAL_WORKER),
    )
