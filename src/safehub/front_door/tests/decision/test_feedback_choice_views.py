"""The feedback choice on the authorise and one-step forms, and on the decision panel."""

from typing import Any

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from safehub.accounts.constants import Role

from ...constants import DecisionStatus, FeedbackChoice, FeedbackStatus, Outcome
from ...models import Decision, ReferrerFeedback
from ...selectors.handovers import decision_panel_for
from ...services.decision import WITHHELD_REASON_REQUIRED, decision_authorise
from .factories_decision import proposed_decision, screened_contact

pytestmark = pytest.mark.django_db

TYPED_REASON = "The aunt is close to the father (test reason)."


def _checked(html: str, value: str) -> bool:
    marker = f'value="{value}"'
    start = html.index(marker)
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    return "checked" in tag


@pytest.mark.parametrize(
    ("outcome", "source", "expected"),
    [
        (Outcome.STRATEGY, "2A", FeedbackChoice.WITHHOLD),
        (Outcome.EARLY_HELP, "1B", FeedbackChoice.WITHHOLD),
        (Outcome.EARLY_HELP, "2A", FeedbackChoice.SEND),
    ],
)
def test_the_authorise_form_starts_from_the_cautious_default(
    signed_in: Any, outcome: str, source: str, expected: str
) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision(outcome=outcome, referral_source=source)
    html = client.get(reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})).content.decode()
    assert "What is the referrer told?" in html
    assert _checked(html, expected)
    assert ("We suggest not telling them now" in html) == (expected == FeedbackChoice.WITHHOLD)


def test_withholding_on_the_form_needs_a_reason_at_the_field(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision(outcome=Outcome.STRATEGY, referrer_email="dsl@school.example.test")
    url = reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})
    data = {"action": "authorise", "version": decision.version, "feedback_choice": FeedbackChoice.WITHHOLD}
    html = client.post(url, data).content.decode()
    assert 'href="#id_feedback_withheld_reason"' in html
    assert WITHHELD_REASON_REQUIRED in html
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED

    response = client.post(url, {**data, "feedback_withheld_reason": TYPED_REASON})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.feedback_choice == FeedbackChoice.WITHHOLD
    assert decision.feedback_withheld_reason == TYPED_REASON
    assert ReferrerFeedback.objects.get(decision=decision).status == FeedbackStatus.WITHHELD
    assert mail.outbox == []


def test_returning_does_not_ask_for_a_withheld_reason(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision(outcome=Outcome.STRATEGY)
    url = reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})
    response = client.post(
        url,
        {
            "action": "return",
            "comment": "Ask the police first.",
            "version": decision.version,
            "feedback_choice": FeedbackChoice.WITHHOLD,
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED
    assert decision.feedback_choice == ""


def test_the_one_step_form_offers_the_cautious_default_and_applies_it(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    contact = screened_contact(referrer_email="dsl@school.example.test")
    url = reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    html = client.get(url).content.decode()
    assert "Use the cautious default" in html
    assert _checked(html, "default")
    response = client.post(
        url,
        {
            "outcome": Outcome.STRATEGY,
            "rationale": "Significant harm likely.",
            "authorise": "on",
            "feedback_choice": "default",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.feedback_choice == FeedbackChoice.WITHHOLD
    assert ReferrerFeedback.objects.get().status == FeedbackStatus.WITHHELD


def test_the_one_step_form_checks_the_withheld_reason_only_when_authorising(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    contact = screened_contact()
    url = reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    data = {"outcome": Outcome.ADVICE, "rationale": "Signpost.", "feedback_choice": FeedbackChoice.WITHHOLD}
    html = client.post(url, {**data, "authorise": "on"}).content.decode()
    assert WITHHELD_REASON_REQUIRED in html
    assert not Decision.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Decision.objects.get().status == DecisionStatus.PROPOSED


def test_a_worker_is_not_asked_what_the_referrer_is_told(signed_in: Any) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    contact = screened_contact()
    html = client.get(
        reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    ).content.decode()
    assert "What is the referrer told?" not in html


def test_the_panel_shows_the_choice_and_the_reason_to_the_mash(make_user: Any) -> None:
    manager = make_user(Role.MASH_MANAGER, mfa=False)
    decision = proposed_decision(outcome=Outcome.ASSESSMENT)
    decision_authorise(
        actor=manager,
        decision=decision,
        expected_version=decision.version,
        feedback_choice=FeedbackChoice.WITHHOLD,
        feedback_withheld_reason=TYPED_REASON,
    )
    decision.contact.refresh_from_db()
    panel = decision_panel_for(actor=manager, contact=decision.contact)
    html = render_to_string("front_door/decision/_panel.html", {"decision_panel": panel})
    assert "Do not tell the referrer now" in html
    assert "The aunt is close to the father" in html
    assert "Withheld by the MASH" in html
    assert "Not sent" in html
