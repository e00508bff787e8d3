"""decision_propose, decision_authorise, decision_return (issue 4, item 6)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from ...constants import ContactStatus, DecisionStatus, HandoverService, Outcome
from ...models import Contact, Decision, Handover, ReferrerFeedback
from ...services import decision as decision_services
from ...services.decision import (
    RATIONALE_REQUIRED,
    decision_authorise,
    decision_propose,
    decision_return,
)
from .factories_decision import proposed_decision, screened_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Any) -> Any:
    return make_user(Role.MASH_SOCIAL_WORKER, mfa=False)


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user(Role.MASH_MANAGER, mfa=False)


def _state(contact: Contact) -> tuple[Any, ...]:
    contact.refresh_from_db()
    return (
        contact.status,
        contact.version,
        contact.outcome,
        Decision.objects.filter(contact=contact).count(),
        Handover.objects.filter(contact=contact).count(),
        ReferrerFeedback.objects.filter(contact=contact).count(),
    )


# --- propose --------------------------------------------------------------------------------------
@pytest.mark.parametrize("rationale", ["", "   \n  "])
def test_a_decision_without_rationale_is_refused_and_nothing_is_saved(worker: Any, rationale: str) -> None:
    contact = screened_contact()
    before = _state(contact)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        decision_propose(actor=worker, contact=contact, outcome=Outcome.ADVICE, rationale=rationale)
    assert error.value.message_dict == {"rationale": [RATIONALE_REQUIRED]}
    assert _state(contact) == before
    assert AuditEvent.objects.count() == events


def test_an_unknown_outcome_is_refused_at_the_field(worker: Any) -> None:
    contact = screened_contact()
    with pytest.raises(ValidationError) as error:
        decision_propose(actor=worker, contact=contact, outcome="adopt", rationale="Because")
    assert set(error.value.message_dict) == {"outcome"}


def test_proposing_waits_for_authorisation_and_is_audited(worker: Any) -> None:
    contact = screened_contact()
    decision = decision_propose(
        actor=worker, contact=contact, outcome=Outcome.EARLY_HELP, rationale="Needs early help."
    )
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.proposed_by == worker
    assert contact.status == ContactStatus.AWAITING_AUTHORISATION
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_AUTHORISATION
    assert not Handover.objects.exists()
    assert not ReferrerFeedback.objects.exists()
    assert AuditEvent.objects.filter(object_id=str(decision.pk), verb="create").exists()


def test_an_unscreened_contact_cannot_be_decided(worker: Any) -> None:
    contact = screened_contact(rag="", rag_due_at=None, status=ContactStatus.AWAITING_SCREENING)
    with pytest.raises(ValidationError, match="RAG rating"):
        decision_propose(actor=worker, contact=contact, outcome=Outcome.ADVICE, rationale="x")
    assert not Decision.objects.exists()


def test_only_one_live_decision(worker: Any) -> None:
    decision = proposed_decision()
    with pytest.raises(ValidationError, match="already has a decision"):
        decision_propose(actor=worker, contact=decision.contact, outcome=Outcome.ADVICE, rationale="x")
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("role", [Role.REFERRER, Role.MASH_PARTNER, Role.SOCIAL_WORKER, Role.EARLY_HELP])
def test_roles_outside_the_mash_cannot_propose(make_user: Any, role: str) -> None:
    """R18: the function needs record_contacts; the contact is one answer for missing or forbidden."""
    contact = screened_contact()
    with pytest.raises(NotFoundOrForbidden):
        decision_propose(
            actor=make_user(role, mfa=False), contact=contact, outcome=Outcome.ADVICE, rationale="x"
        )
    assert not Decision.objects.exists()


# --- authorise ------------------------------------------------------------------------------------
def test_only_a_manager_authorises(worker: Any) -> None:
    """R18: a MASH social worker may propose but not authorise."""
    decision = proposed_decision()
    before = _state(decision.contact)
    with pytest.raises(NotFoundOrForbidden):
        decision_authorise(actor=worker, decision=decision, expected_version=decision.version)
    assert _state(decision.contact) == before


@pytest.mark.parametrize(
    ("outcome", "service"),
    [
        (Outcome.EARLY_HELP, HandoverService.EARLY_HELP),
        (Outcome.ASSESSMENT, HandoverService.ASSESSMENT),
        (Outcome.STRATEGY, HandoverService.CHILD_PROTECTION),
        (Outcome.NO_FURTHER_ACTION, None),
        (Outcome.ADVICE, None),
    ],
)
def test_authorising_decides_the_contact_and_hands_over_per_outcome(
    manager: Any, outcome: str, service: str | None
) -> None:
    decision = proposed_decision(outcome=outcome)
    result = decision_authorise(
        actor=manager, decision=decision, expected_version=decision.version, comment="Agreed."
    )
    assert result.status == DecisionStatus.AUTHORISED
    assert result.authorised_by == manager
    assert result.authorised_at is not None
    assert result.manager_comment == "Agreed."
    contact = Contact.objects.get(pk=decision.contact_id)
    assert contact.status == ContactStatus.DECIDED
    assert contact.outcome == outcome
    assert contact.decided_at == result.authorised_at
    assert contact.next_due_at is None
    handovers = list(Handover.objects.filter(contact=contact))
    if service is None:
        assert handovers == []
    else:
        assert [(h.service, h.decision_id, h.status) for h in handovers] == [
            (service, decision.pk, "waiting")
        ]
    assert ReferrerFeedback.objects.filter(decision=decision).count() == 1
    audited = set(AuditEvent.objects.values_list("object_type", "section"))
    assert {("front_door.decision", "authorise"), ("front_door.contact", "decided")} <= audited


def test_every_subject_must_be_linked_before_authorising(manager: Any) -> None:
    decision = proposed_decision(linked=False)
    before = _state(decision.contact)
    with pytest.raises(ValidationError) as error:
        decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    message = error.value.message_dict["subjects"][0]
    assert "Dorian Quarrendon (parent or carer)" in message
    assert _state(decision.contact) == before
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_authorising_is_one_transaction(manager: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while making the handover leaves nothing: no decision change, no feedback."""
    decision = proposed_decision(outcome=Outcome.ASSESSMENT)
    before = _state(decision.contact)
    events = AuditEvent.objects.count()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("receiving service unavailable")

    monkeypatch.setattr(decision_services, "handover_create", broken)
    with pytest.raises(RuntimeError):
        decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    assert _state(decision.contact) == before
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.authorised_by is None
    assert AuditEvent.objects.count() == events


def test_authorising_a_stale_version_is_a_conflict(manager: Any) -> None:
    """R49: the manager authorises what they saw, not a proposal changed since."""
    decision = proposed_decision()
    with pytest.raises(ConflictError):
        decision_authorise(actor=manager, decision=decision, expected_version=decision.version - 1 or 99)
    assert not ReferrerFeedback.objects.exists()


def test_an_authorised_decision_cannot_be_authorised_again(manager: Any) -> None:
    decision = proposed_decision(outcome=Outcome.ADVICE)
    decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    with pytest.raises(ValidationError, match="already been authorised"):
        decision_authorise(actor=manager, decision=decision, expected_version=decision.version + 1)
    assert ReferrerFeedback.objects.count() == 1


def test_a_manager_may_propose_and_authorise_in_one_step(manager: Any) -> None:
    contact = screened_contact()
    decision = decision_propose(
        actor=manager,
        contact=contact,
        outcome=Outcome.STRATEGY,
        rationale="Disclosure of physical harm.",
        authorise=True,
    )
    assert decision.status == DecisionStatus.AUTHORISED
    assert decision.proposed_by == manager
    assert decision.authorised_by == manager
    assert contact.status == ContactStatus.DECIDED
    sections = list(
        AuditEvent.objects.filter(object_id=str(decision.pk)).order_by("seq").values_list("verb", "section")
    )
    assert sections == [("create", Outcome.STRATEGY), ("update", "authorise")]
    assert Handover.objects.get().service == HandoverService.CHILD_PROTECTION


def test_a_worker_cannot_authorise_their_own_proposal_in_one_step(worker: Any) -> None:
    contact = screened_contact()
    with pytest.raises(NotFoundOrForbidden):
        decision_propose(actor=worker, contact=contact, outcome=Outcome.ADVICE, rationale="x", authorise=True)
    assert not Decision.objects.exists()


def test_one_step_with_unlinked_people_saves_nothing(manager: Any) -> None:
    contact = screened_contact(linked=False)
    before = _state(contact)
    with pytest.raises(ValidationError):
        decision_propose(
            actor=manager, contact=contact, outcome=Outcome.ADVICE, rationale="x", authorise=True
        )
    assert _state(contact) == before


# --- return ---------------------------------------------------------------------------------------
def test_returning_needs_a_comment(manager: Any) -> None:
    decision = proposed_decision()
    with pytest.raises(ValidationError) as error:
        decision_return(actor=manager, decision=decision, comment="  ")
    assert set(error.value.message_dict) == {"comment"}


def test_a_returned_decision_reopens_the_contact_for_a_new_proposal(manager: Any, worker: Any) -> None:
    decision = proposed_decision()
    returned = decision_return(actor=manager, decision=decision, comment="Check with health first.")
    assert returned.status == DecisionStatus.RETURNED
    assert returned.manager_comment == "Check with health first."
    contact = Contact.objects.get(pk=decision.contact_id)
    assert contact.status == ContactStatus.IN_PROGRESS
    again = decision_propose(
        actor=worker, contact=contact, outcome=Outcome.ADVICE, rationale="Health: no concerns."
    )
    assert again.status == DecisionStatus.PROPOSED
    assert Decision.objects.filter(contact=contact).count() == 2


def test_a_worker_cannot_return(worker: Any) -> None:
    decision = proposed_decision()
    with pytest.raises(NotFoundOrForbidden):
        decision_return(actor=worker, decision=decision, comment="no")
