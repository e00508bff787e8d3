"""Authorised MASH decisions with their handovers, about one or two children (synthetic data only)."""

from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory

from ...constants import SubjectRole
from ...models import Handover
from ...services.decision import decision_authorise
from ..decision.factories_decision import proposed_decision, screened_contact
from ..factories import ContactSubjectFactory


def handover_with_children(*, outcome: str = "assessment", children: int = 2) -> Handover:
    """A decided contact (one parent, `children` children, all linked) and its waiting handover."""
    contact = screened_contact()
    for _ in range(children - 1):
        ContactSubjectFactory(contact=contact, role=SubjectRole.CHILD)
    decision = proposed_decision(contact, outcome=outcome)
    manager: Any = UserFactory(role=Role.MASH_MANAGER)
    decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    return Handover.objects.select_related("contact", "decision").get(decision=decision)
