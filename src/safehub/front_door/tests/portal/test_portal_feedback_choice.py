"""The portal shows the referrer only the feedback the MASH chose to give (finding 1)."""

from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role

from ...constants import Channel, ContactStatus, FeedbackChoice, Outcome
from ...selectors.portal import portal_referral_get
from ...services.decision import decision_authorise
from ..decision.factories_decision import proposed_decision, screened_contact

pytestmark = pytest.mark.django_db

TYPED_REASON = "Father may learn of the strategy meeting from the school (test reason)."


@pytest.fixture
def referrer(signed_in: Any) -> Any:
    return signed_in(Role.REFERRER)


def _decide(client: Any, manager: Any, outcome: str, **feedback: str) -> str:
    contact = screened_contact(submitted_by=client.user, channel=Channel.PORTAL)
    decision = proposed_decision(contact, outcome=outcome)
    decision_authorise(actor=manager, decision=decision, expected_version=decision.version, **feedback)
    return reverse("portal:referral", kwargs={"id": contact.pk})


def test_withheld_feedback_is_not_shown_and_the_mash_will_contact_them(referrer: Any, make_user: Any) -> None:
    manager = make_user(Role.MASH_MANAGER, mfa=False)
    url = _decide(
        referrer,
        manager,
        Outcome.STRATEGY,
        feedback_choice=FeedbackChoice.WITHHOLD,
        feedback_withheld_reason=TYPED_REASON,
    )
    html = referrer.get(url).content.decode()
    assert "The MASH will contact you about this referral." in html
    assert "taking action" not in html
    assert "has not made a decision yet" not in html
    assert "Father may learn" not in html
    referral = portal_referral_get(actor=referrer.user, id=url.rstrip("/").split("/")[-1])
    assert referral.feedback_subject == referral.feedback_body == ""


def test_the_cautious_default_hides_a_strategy_discussion_from_the_portal(
    referrer: Any, make_user: Any
) -> None:
    url = _decide(referrer, make_user(Role.MASH_MANAGER, mfa=False), Outcome.STRATEGY)
    html = referrer.get(url).content.decode()
    assert "The MASH will contact you about this referral." in html
    assert "taking action" not in html


def test_portal_only_feedback_is_shown_in_the_portal(referrer: Any, make_user: Any) -> None:
    url = _decide(
        referrer,
        make_user(Role.MASH_MANAGER, mfa=False),
        Outcome.ASSESSMENT,
        feedback_choice=FeedbackChoice.PORTAL_ONLY,
    )
    html = referrer.get(url).content.decode()
    assert "an assessment by children" in html
    assert "The MASH will contact you" not in html


def test_an_undecided_referral_still_says_no_decision_yet(referrer: Any) -> None:
    contact = screened_contact(
        submitted_by=referrer.user, channel=Channel.PORTAL, status=ContactStatus.IN_PROGRESS
    )
    html = referrer.get(reverse("portal:referral", kwargs={"id": contact.pk})).content.decode()
    assert "has not made a decision yet" in html
