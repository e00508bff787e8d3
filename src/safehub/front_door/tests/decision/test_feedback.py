"""Feedback to the referrer: wording per outcome, and the outbox (issue 4, item 7)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from safehub.accounts.constants import Role
from safehub.platform import clock

from ...constants import (
    FEEDBACK_MAX_ATTEMPTS,
    FeedbackChannel,
    FeedbackChoice,
    FeedbackStatus,
    Outcome,
)
from ...models import ReferrerFeedback
from ...services.decision import decision_authorise
from ...services.feedback import backoff, feedback_deliver, feedback_send_due
from ..factories import InformationRequestFactory, PartnerResponseFactory
from .factories_decision import proposed_decision

pytestmark = pytest.mark.django_db

FAILING = "safehub.front_door.tests.decision.mail_backends.FailingBackend"
PARTNER_SECRET = "Intelligence: the father is known to police for assault (test)."


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user(Role.MASH_MANAGER, mfa=False)


@pytest.fixture
def authorise(manager: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., ReferrerFeedback]:
    """Authorise a fresh proposal and run what happens on commit (the task, run immediately)."""

    def _authorise(
        *, outcome: str = Outcome.EARLY_HELP, feedback_choice: str = "", **contact: Any
    ) -> ReferrerFeedback:
        decision = proposed_decision(outcome=outcome, **contact)
        with django_capture_on_commit_callbacks(execute=True):
            decision_authorise(
                actor=manager,
                decision=decision,
                expected_version=decision.version,
                feedback_choice=feedback_choice,
            )
        return ReferrerFeedback.objects.get(decision=decision)

    return _authorise


@pytest.mark.parametrize("outcome", Outcome.values)
def test_feedback_is_worded_for_the_referrer_and_says_nothing_else(
    authorise: Callable[..., ReferrerFeedback], outcome: str
) -> None:
    """R21/R33: no rationale, nothing a partner shared, no family details, no referrer name (T8)."""
    decision = proposed_decision(outcome=outcome)
    contact = decision.contact
    contact.referrer_identity_withheld = True
    contact.save(update_fields=["referrer_identity_withheld"])
    PartnerResponseFactory(request=InformationRequestFactory(contact=contact), content=PARTNER_SECRET)
    manager_comment = "Manager: agree, but watch the father closely."
    from safehub.accounts.tests.factories import UserFactory

    decision_authorise(
        actor=UserFactory(role=Role.MASH_MANAGER),
        decision=decision,
        expected_version=decision.version,
        comment=manager_comment,
        # The words for every outcome, strategy included, as when the manager chooses to send.
        feedback_choice=FeedbackChoice.SEND,
    )
    feedback = ReferrerFeedback.objects.get(decision=decision)
    text = feedback.subject + "\n" + feedback.body
    assert contact.reference in feedback.subject
    assert contact.reference in feedback.body
    assert "Decision:" in feedback.body
    for secret in [decision.rationale, PARTNER_SECRET, "father", manager_comment, contact.summary]:
        assert secret not in text
    for subject in contact.subjects.all():
        for value in subject.details.values():
            if value:
                assert value not in text
    assert contact.referrer_name not in text
    assert "{" not in text
    assert "&amp;" not in text
    assert "&#x27;" not in text


def test_each_outcome_has_its_own_words(authorise: Callable[..., ReferrerFeedback]) -> None:
    bodies = {
        outcome: authorise(outcome=outcome, feedback_choice=FeedbackChoice.SEND).body
        for outcome in Outcome.values
    }
    assert "no further action" in bodies[Outcome.NO_FURTHER_ACTION]
    assert "early help" in bodies[Outcome.EARLY_HELP]
    assert "assess" in bodies[Outcome.ASSESSMENT]
    assert len(set(bodies.values())) == len(Outcome.values)


def test_feedback_is_emailed_when_the_referrer_gave_an_address(
    authorise: Callable[..., ReferrerFeedback],
) -> None:
    feedback = authorise(referrer_email="dsl@school.example.test")
    assert feedback.channel == FeedbackChannel.EMAIL
    assert feedback.status == FeedbackStatus.SENT
    assert feedback.sent_at is not None
    assert feedback.attempts == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [(["dsl@school.example.test"], feedback.subject)]
    assert mail.outbox[0].body == feedback.body


def test_without_an_address_feedback_is_for_the_portal_only(
    authorise: Callable[..., ReferrerFeedback],
) -> None:
    feedback = authorise(referrer_email="")
    assert feedback.channel == FeedbackChannel.PORTAL
    assert feedback.status == FeedbackStatus.NOT_EMAILED
    assert mail.outbox == []
    assert feedback_deliver(feedback.pk) == FeedbackStatus.NOT_EMAILED


@override_settings(EMAIL_BACKEND=FAILING)
def test_a_failed_send_is_kept_for_a_retry(authorise: Callable[..., ReferrerFeedback]) -> None:
    feedback = authorise()
    assert feedback.status == FeedbackStatus.FAILED
    assert feedback.attempts == 1
    assert "SMTPServerDisconnected" in feedback.last_error
    assert feedback.next_attempt_at is not None
    assert feedback.next_attempt_at - clock.now() <= backoff(1)
    assert feedback.sent_at is None


def test_a_failed_send_is_retried_once_its_backoff_has_passed(
    authorise: Callable[..., ReferrerFeedback],
) -> None:
    with override_settings(EMAIL_BACKEND=FAILING):
        feedback = authorise()
    assert feedback_send_due(now=clock.now()) == 0  # not yet: the backoff has not passed
    assert mail.outbox == []
    later = clock.now() + backoff(1) + timedelta(seconds=1)
    assert feedback_send_due(now=later) == 1
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.SENT
    assert feedback.attempts == 2
    assert feedback.last_error == ""
    assert feedback.next_attempt_at is None
    assert len(mail.outbox) == 1
    assert feedback_send_due(now=later + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND=FAILING)
def test_after_the_last_attempt_it_gives_up(authorise: Callable[..., ReferrerFeedback]) -> None:
    feedback = authorise()
    when = clock.now()
    for _ in range(FEEDBACK_MAX_ATTEMPTS - 1):
        when += timedelta(days=1)
        feedback_send_due(now=when)
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.GAVE_UP
    assert feedback.attempts == FEEDBACK_MAX_ATTEMPTS
    assert feedback.next_attempt_at is None
    assert feedback_send_due(now=when + timedelta(days=30)) == 0
    feedback.refresh_from_db()
    assert feedback.attempts == FEEDBACK_MAX_ATTEMPTS


def test_sending_twice_sends_once(authorise: Callable[..., ReferrerFeedback]) -> None:
    feedback = authorise()
    assert feedback_deliver(feedback.pk) == FeedbackStatus.SENT
    assert len(mail.outbox) == 1


def test_a_lost_task_is_picked_up_by_the_tick(manager: Any) -> None:
    """The decision commits but its task never ran: the tick sends the row after the lease."""
    decision = proposed_decision()
    decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    feedback = ReferrerFeedback.objects.get(decision=decision)
    assert feedback.status == FeedbackStatus.QUEUED  # on_commit never ran in this test
    assert feedback_send_due(now=clock.now()) == 0
    with time_machine.travel(clock.now() + timedelta(minutes=11), tick=False):
        assert feedback_send_due() == 1
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.SENT
    assert len(mail.outbox) == 1
