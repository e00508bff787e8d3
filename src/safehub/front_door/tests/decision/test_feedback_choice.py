"""What the referrer is told is the authorising manager's choice, with a cautious default
(issue 4 item 7; security review finding "feedback safety at the decision")."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.audit.models import AuditEvent
from safehub.platform import clock

from ...constants import (
    ContactStatus,
    DecisionStatus,
    FeedbackChannel,
    FeedbackChoice,
    FeedbackStatus,
    Outcome,
    RequestStatus,
)
from ...models import Decision, Handover, InformationRequest, ReferrerFeedback
from ...services.decision import (
    CLOSED_REQUEST_REASON,
    FEEDBACK_CHOICE_INVALID,
    WITHHELD_REASON_REQUIRED,
    decision_authorise,
    decision_propose,
    decision_return,
)
from ...services.feedback import feedback_deliver, feedback_send_due
from ..factories import InformationRequestFactory
from .factories_decision import proposed_decision, screened_contact

pytestmark = pytest.mark.django_db

TYPED_REASON = "Mother told us she fears the father would retaliate (test reason)."
TYPED_COMMENT = "Ask health about the missed appointments first (test comment)."
NON_PROFESSIONAL = ["1A", "1B", "1C", "1D", "9", "10"]


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user(Role.MASH_MANAGER, mfa=False)


def _authorise(manager: Any, capture: Any, decision: Decision, **kw: Any) -> ReferrerFeedback:
    with capture(execute=True):
        decision_authorise(actor=manager, decision=decision, expected_version=decision.version, **kw)
    return ReferrerFeedback.objects.get(decision=decision)


def _audit_text() -> str:
    return json.dumps(
        [[e.section, e.purpose, e.reason, e.detail] for e in AuditEvent.objects.all()], default=str
    )


# --- the cautious default ------------------------------------------------------------------------
def test_a_strategy_discussion_is_withheld_by_default_and_never_emailed(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Tipping-off: the referrer is not told that the police are involved before the strategy
    discussion, however the decision is authorised (finding 1)."""
    decision = proposed_decision(outcome=Outcome.STRATEGY, referrer_email="dsl@school.example.test")
    feedback = _authorise(manager, django_capture_on_commit_callbacks, decision)
    decision.refresh_from_db()
    assert decision.feedback_choice == FeedbackChoice.WITHHOLD
    assert decision.feedback_withheld_reason == "Withheld by default: the outcome is a strategy discussion."
    assert feedback.status == FeedbackStatus.WITHHELD
    assert feedback.recipient_email == ""
    assert feedback.next_attempt_at is None
    assert "taking action" not in feedback.subject + feedback.body
    assert "MASH will contact you" in feedback.body
    assert mail.outbox == []
    assert feedback_send_due(now=clock.now() + timedelta(days=365)) == 0
    assert feedback_deliver(feedback.pk) == FeedbackStatus.WITHHELD
    assert mail.outbox == []


@pytest.mark.parametrize("source", NON_PROFESSIONAL)
def test_a_non_professional_referrer_is_not_told_by_default(
    manager: Any, django_capture_on_commit_callbacks: Any, source: str
) -> None:
    """Family, neighbours, the child, anonymous and unknown referrers (CIN sources 1A-1D, 9, 10)."""
    decision = proposed_decision(
        outcome=Outcome.EARLY_HELP, referral_source=source, referrer_email="someone@example.test"
    )
    feedback = _authorise(manager, django_capture_on_commit_callbacks, decision)
    decision.refresh_from_db()
    assert decision.feedback_choice == FeedbackChoice.WITHHOLD
    assert decision.feedback_withheld_reason == "Withheld by default: the referrer is not a professional."
    assert feedback.status == FeedbackStatus.WITHHELD
    assert mail.outbox == []


@pytest.mark.parametrize("outcome", [o for o in Outcome.values if o != Outcome.STRATEGY])
def test_a_professional_is_told_other_outcomes_by_default(
    manager: Any, django_capture_on_commit_callbacks: Any, outcome: str
) -> None:
    decision = proposed_decision(outcome=outcome, referrer_email="dsl@school.example.test")
    feedback = _authorise(manager, django_capture_on_commit_callbacks, decision)
    decision.refresh_from_db()
    assert decision.feedback_choice == FeedbackChoice.SEND
    assert decision.feedback_withheld_reason == ""
    assert feedback.status == FeedbackStatus.SENT
    assert [m.to for m in mail.outbox] == [["dsl@school.example.test"]]


# --- the manager's explicit choice -----------------------------------------------------------------
def test_the_manager_may_choose_to_tell_a_referrer_of_a_strategy_discussion(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    decision = proposed_decision(outcome=Outcome.STRATEGY, referrer_email="officer@police.example.test")
    feedback = _authorise(
        manager, django_capture_on_commit_callbacks, decision, feedback_choice=FeedbackChoice.SEND
    )
    assert feedback.status == FeedbackStatus.SENT
    assert "taking action" in mail.outbox[0].subject


def test_portal_only_is_never_emailed_even_with_an_address(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    decision = proposed_decision(outcome=Outcome.ASSESSMENT, referrer_email="dsl@school.example.test")
    feedback = _authorise(
        manager, django_capture_on_commit_callbacks, decision, feedback_choice=FeedbackChoice.PORTAL_ONLY
    )
    assert feedback.status == FeedbackStatus.NOT_EMAILED
    assert feedback.channel == FeedbackChannel.PORTAL
    assert feedback.recipient_email == ""
    assert "assessment" in feedback.body
    assert feedback_deliver(feedback.pk) == FeedbackStatus.NOT_EMAILED
    assert mail.outbox == []


def test_withholding_needs_a_reason_and_nothing_is_saved_without_one(manager: Any) -> None:
    decision = proposed_decision(outcome=Outcome.ASSESSMENT)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        decision_authorise(
            actor=manager,
            decision=decision,
            expected_version=decision.version,
            feedback_choice=FeedbackChoice.WITHHOLD,
            feedback_withheld_reason="   ",
        )
    assert error.value.message_dict == {"feedback_withheld_reason": [WITHHELD_REASON_REQUIRED]}
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED
    assert not ReferrerFeedback.objects.exists()
    assert not Handover.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_unknown_choice_is_refused_at_the_field(manager: Any) -> None:
    decision = proposed_decision()
    with pytest.raises(ValidationError) as error:
        decision_authorise(
            actor=manager, decision=decision, expected_version=decision.version, feedback_choice="shout"
        )
    assert error.value.message_dict == {"feedback_choice": [FEEDBACK_CHOICE_INVALID]}


def test_a_withheld_reason_is_kept_on_the_decision_and_never_audited(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """R27: the reason typed by the manager is stored on the decision, not in any audit event."""
    decision = proposed_decision(outcome=Outcome.EARLY_HELP, referrer_email="dsl@school.example.test")
    feedback = _authorise(
        manager,
        django_capture_on_commit_callbacks,
        decision,
        feedback_choice=FeedbackChoice.WITHHOLD,
        feedback_withheld_reason=f"  {TYPED_REASON}  ",
        comment=TYPED_COMMENT,
    )
    decision.refresh_from_db()
    assert decision.feedback_withheld_reason == TYPED_REASON
    assert feedback.status == FeedbackStatus.WITHHELD
    assert mail.outbox == []
    audit = _audit_text()
    assert TYPED_REASON not in audit
    assert TYPED_COMMENT not in audit
    assert "Mother" not in audit


def test_a_reason_is_dropped_when_the_referrer_is_told(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    decision = proposed_decision(outcome=Outcome.EARLY_HELP)
    _authorise(
        manager,
        django_capture_on_commit_callbacks,
        decision,
        feedback_choice=FeedbackChoice.SEND,
        feedback_withheld_reason=TYPED_REASON,
    )
    decision.refresh_from_db()
    assert decision.feedback_withheld_reason == ""


# --- propose and authorise in one step -------------------------------------------------------------
def test_one_step_authorisation_takes_the_choice_and_checks_the_reason(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact = screened_contact(referrer_email="dsl@school.example.test")
    with pytest.raises(ValidationError) as error:
        decision_propose(
            actor=manager,
            contact=contact,
            outcome=Outcome.ASSESSMENT,
            rationale="Needs an assessment.",
            authorise=True,
            feedback_choice=FeedbackChoice.WITHHOLD,
        )
    assert set(error.value.message_dict) == {"feedback_withheld_reason"}
    assert not Decision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_propose(
            actor=manager,
            contact=contact,
            outcome=Outcome.ASSESSMENT,
            rationale="Needs an assessment.",
            authorise=True,
            feedback_choice=FeedbackChoice.WITHHOLD,
            feedback_withheld_reason=TYPED_REASON,
        )
    assert decision.feedback_choice == FeedbackChoice.WITHHOLD
    assert ReferrerFeedback.objects.get(decision=decision).status == FeedbackStatus.WITHHELD
    assert mail.outbox == []
    assert TYPED_REASON not in _audit_text()


def test_one_step_authorisation_without_a_choice_is_cautious(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Existing callers (the demo) pass no choice: a strategy discussion is still withheld."""
    contact = screened_contact(referrer_email="dsl@school.example.test")
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_propose(
            actor=manager,
            contact=contact,
            outcome=Outcome.STRATEGY,
            rationale="Significant harm likely.",
            authorise=True,
        )
    assert decision.feedback_choice == FeedbackChoice.WITHHOLD
    assert mail.outbox == []


def test_a_proposal_alone_records_no_choice(make_user: Any) -> None:
    worker = make_user(Role.MASH_SOCIAL_WORKER, mfa=False)
    decision = decision_propose(
        actor=worker,
        contact=screened_contact(),
        outcome=Outcome.ADVICE,
        rationale="Signpost.",
        feedback_choice=FeedbackChoice.WITHHOLD,
    )
    decision.refresh_from_db()
    assert decision.feedback_choice == ""
    assert decision.feedback_withheld_reason == ""


# --- finding 2: no typed text in the audit trail ---------------------------------------------------
def test_returning_keeps_the_comment_on_the_decision_not_in_the_audit(manager: Any) -> None:
    """R27: the manager's return comment is on the decision; its audit event has a fixed code."""
    decision = proposed_decision()
    decision_return(actor=manager, decision=decision, comment=TYPED_COMMENT)
    decision.refresh_from_db()
    assert decision.manager_comment == TYPED_COMMENT
    assert TYPED_COMMENT not in _audit_text()
    assert AuditEvent.objects.filter(object_id=str(decision.pk), section="return").count() == 1


# --- finding 3: requests closed by the decision ----------------------------------------------------
def test_requests_still_open_at_the_decision_are_withdrawn_with_who_when_and_why(manager: Any) -> None:
    decision = proposed_decision()
    open_request = InformationRequestFactory(contact=decision.contact)
    answered = InformationRequestFactory(
        contact=decision.contact,
        agency=AgencyFactory(name="Test Health", kind=AgencyKind.HEALTH_TRUST),
        status=RequestStatus.ANSWERED,
    )
    decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.WITHDRAWN
    assert open_request.withdrawn_reason == CLOSED_REQUEST_REASON == "The contact was decided."
    assert open_request.withdrawn_by == manager
    assert open_request.withdrawn_at is not None
    event = AuditEvent.objects.get(object_id=str(open_request.pk), section="withdrawn")
    assert event.reason == CLOSED_REQUEST_REASON
    answered.refresh_from_db()
    assert answered.status == RequestStatus.ANSWERED
    assert answered.withdrawn_at is None
    assert InformationRequest.objects.filter(status=RequestStatus.OPEN).count() == 0
    decision.contact.refresh_from_db()
    assert decision.contact.status == ContactStatus.DECIDED
