"""Reads of MASH decisions and the handovers they make.

Decisions are read through the contact's policy: whoever may act on the contact may read its
decisions. Handovers are read by the receiving services, whose staff have no MASH capability,
so they are scoped by who may pick them up (`may_pick_up`) and by the contact's restrictions.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from safehub.access.selectors import hidden_ids
from safehub.accounts.constants import ROLE_CAPABILITIES, Capability, Role, TeamKind
from safehub.accounts.models import Team, TeamMembership
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import DecisionStatus, HandoverService, HandoverStatus
from ..models import Contact, ContactSubject, Decision, Handover, ReferrerFeedback
from ..policies import contact_policy


def _roles_with(capability: str) -> frozenset[str]:
    return frozenset(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


# Children's social care takes its handovers through the managers who allocate the work
# (MANAGE_CASES): the referral is opened and allocated in one step (services/handover_intake.py).
# Early help keeps the role rule until it lands its own teams and allocation (issue 9).
HANDOVER_ROLES: dict[str, frozenset[str]] = {
    HandoverService.EARLY_HELP: frozenset({Role.EARLY_HELP}),
    HandoverService.ASSESSMENT: _roles_with(Capability.MANAGE_CASES),
    HandoverService.CHILD_PROTECTION: _roles_with(Capability.MANAGE_CASES),
}
# The handovers children's social care picks up as referrals, in the order its inbox lists them.
CASEWORK_SERVICES = (HandoverService.ASSESSMENT, HandoverService.CHILD_PROTECTION)
# The teams a referral from the front door may be allocated to.
INTAKE_TEAM_KINDS = (TeamKind.ASSESSMENT, TeamKind.CHILD_PROTECTION)


def may_pick_up(actor: Any, service: str) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.role in HANDOVER_ROLES.get(service, frozenset())


def handovers_waiting(*, actor: Any, service: str) -> list[Handover]:
    """The work waiting for `service`, oldest first, with the contact, decision and people.

    Someone who may not pick up for `service` gets an empty list, not an error: the list is the
    receiving team's inbox, and "nothing for you" is the honest answer.
    """
    if not may_pick_up(actor, service):
        return []
    qs: QuerySet[Handover] = (
        Handover.objects.filter(service=service, status=HandoverStatus.WAITING)
        .exclude(contact_id__in=hidden_ids(actor=actor, object_type=contact_policy.object_type))
        .select_related("contact", "decision")
        .prefetch_related(
            Prefetch("contact__subjects", queryset=ContactSubject.objects.select_related("person"))
        )
        .order_by("created_at")
    )
    handovers = list(qs)
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=Handover._meta.label_lower,
        section=service,
        result_ids=[h.pk for h in handovers],
    )
    return handovers


def handover_get(*, actor: Any, id: uuid.UUID | str) -> Handover:
    """One handover for someone who may pick it up; NotFoundOrForbidden otherwise."""
    handover = (
        Handover.objects.exclude(
            contact_id__in=hidden_ids(actor=actor, object_type=contact_policy.object_type)
        )
        .select_related("contact", "decision", "picked_up_by")
        .prefetch_related(
            Prefetch("contact__subjects", queryset=ContactSubject.objects.select_related("person"))
        )
        .filter(pk=id)
        .first()
    )
    if handover is None or not may_pick_up(actor, handover.service):
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=handover)
    return handover


def decision_get(*, actor: Any, id: uuid.UUID | str, action: str = "authorise") -> Decision:
    """One decision, through its contact's policy for `action`; the read is audited."""
    contacts = contact_policy.scope(actor, Contact.objects.all(), action)
    decision = (
        Decision.objects.filter(pk=id, contact__in=contacts)
        .select_related("contact", "proposed_by", "authorised_by")
        .prefetch_related("contact__subjects")
        .first()
    )
    if decision is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=decision)
    return decision


@dataclass(frozen=True)
class DecisionPanel:
    """What the contact page shows about the decision (template front_door/decision/_panel.html)."""

    contact: Contact
    live: Decision | None
    returned: list[Decision] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    feedback: list[ReferrerFeedback] = field(default_factory=list)
    # People described on the contact but not yet linked to the index: authorising waits for them.
    unlinked: list[ContactSubject] = field(default_factory=list)
    can_propose: bool = False
    can_authorise: bool = False


def decision_panel_for(*, actor: Any, contact: Contact) -> DecisionPanel:
    """The decision section of a contact the caller has already loaded (and audited) for `actor`.

    The policy is checked again here so that the panel is safe to render on its own (an HTMX
    partial), and a contact the actor cannot see gives NotFoundOrForbidden.
    """
    contact_policy.check(actor, "view", contact)
    decisions = list(Decision.objects.filter(contact=contact).select_related("proposed_by", "authorised_by"))
    live = next((d for d in decisions if d.status != DecisionStatus.RETURNED), None)
    returned = [d for d in decisions if d.status == DecisionStatus.RETURNED]
    handovers = list(Handover.objects.filter(contact=contact).select_related("picked_up_by"))
    feedback = list(ReferrerFeedback.objects.filter(contact=contact))
    unlinked = [s for s in contact.subjects.all() if s.person_id is None]
    can_propose = (
        live is None
        and contact.is_open
        and bool(contact.rag)
        and contact_policy.can(actor, "change", contact)
    )
    can_authorise = (
        live is not None
        and live.status == DecisionStatus.PROPOSED
        and contact_policy.can(actor, "authorise", contact)
    )
    return DecisionPanel(
        contact=contact,
        live=live,
        returned=returned,
        handovers=handovers,
        feedback=feedback,
        unlinked=unlinked,
        can_propose=can_propose,
        can_authorise=can_authorise,
    )


def handover_intake_teams() -> list[Team]:
    """The active children's social care teams, with their active members prefetched, for allocating
    the referrals a handover opens. Team names and staff names are not personal data of children;
    this read is not audited."""
    members = (
        TeamMembership.objects.filter(user__is_active=True).select_related("user").order_by("user__full_name")
    )
    return list(
        Team.objects.filter(is_active=True, kind__in=INTAKE_TEAM_KINDS)
        .prefetch_related(Prefetch("memberships", queryset=members))
        .order_by("name")
    )
