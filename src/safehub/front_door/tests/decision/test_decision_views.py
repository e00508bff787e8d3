"""The staff decision pages and the contact page's decision panel (issue 4, item 6)."""

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import ContactStatus, DecisionStatus, Outcome
from ...models import Decision
from ...selectors.handovers import decision_panel_for
from ...services.decision import RATIONALE_REQUIRED, decision_authorise
from .factories_decision import proposed_decision, screened_contact

pytestmark = pytest.mark.django_db


def test_a_worker_proposes_and_lands_on_the_contact(signed_in: Any) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    contact = screened_contact()
    url = reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    page = client.get(url).content.decode()
    assert "Authorise this decision now" not in page
    response = client.post(url, {"outcome": Outcome.ADVICE, "rationale": "Signpost to parenting support."})
    assert response.status_code == 302
    assert response["Location"] == reverse("front_door:contact", kwargs={"id": contact.pk})
    assert Decision.objects.get().status == DecisionStatus.PROPOSED


def test_the_rationale_error_is_shown_at_the_field(signed_in: Any) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    contact = screened_contact()
    url = reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    html = client.post(url, {"outcome": Outcome.ADVICE, "rationale": "  "}).content.decode()
    assert 'href="#id_rationale"' in html
    assert 'id="id_rationale-error"' in html
    assert RATIONALE_REQUIRED in html
    assert not Decision.objects.exists()


def test_a_contact_level_refusal_is_shown_at_the_top(signed_in: Any) -> None:
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    contact = screened_contact(rag="", rag_due_at=None, status=ContactStatus.AWAITING_SCREENING)
    url = reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    html = client.post(url, {"outcome": Outcome.ADVICE, "rationale": "x"}).content.decode()
    assert "Set a RAG rating before proposing a decision" in html


def test_a_manager_proposes_and_authorises_in_one_step(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    contact = screened_contact()
    url = reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk})
    assert "Authorise this decision now" in client.get(url).content.decode()
    response = client.post(url, {"outcome": Outcome.EARLY_HELP, "rationale": "EH offer.", "authorise": "on"})
    assert response.status_code == 302
    assert Decision.objects.get().status == DecisionStatus.AUTHORISED


@pytest.mark.parametrize(("role", "status"), [(Role.MASH_SOCIAL_WORKER, 403), (Role.REFERRER, 403)])
def test_only_a_manager_opens_the_authorise_page(signed_in: Any, role: str, status: int) -> None:
    client = signed_in(role)
    decision = proposed_decision()
    assert (
        client.get(reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})).status_code
        == status
    )


def test_a_manager_authorises(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision(outcome=Outcome.ASSESSMENT)
    url = reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})
    page = client.get(url).content.decode()
    assert decision.rationale in page
    response = client.post(url, {"action": "authorise", "comment": "", "version": decision.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("front_door:contact", kwargs={"id": decision.contact_id})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AUTHORISED


def test_returning_needs_a_comment_at_the_field(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision()
    url = reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})
    html = client.post(url, {"action": "return", "comment": "", "version": decision.version}).content.decode()
    assert 'id="id_comment-error"' in html
    response = client.post(url, {"action": "return", "comment": "Ask health.", "version": decision.version})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED


def test_unlinked_people_are_named_and_block_authorising(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision(linked=False)
    url = reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})
    assert "Dorian Quarrendon" in client.get(url).content.decode()
    html = client.post(url, {"action": "authorise", "version": decision.version}).content.decode()
    assert "govuk-error-summary" in html
    assert "Dorian Quarrendon (parent or carer)" in html
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_a_stale_authorisation_is_told_who_changed_it(signed_in: Any) -> None:
    client = signed_in(Role.MASH_MANAGER)
    decision = proposed_decision()
    url = reverse("front_door_decisions:authorise", kwargs={"id": decision.pk})
    html = client.post(url, {"action": "authorise", "version": decision.version + 5}).content.decode()
    assert "after you opened it" in html
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_the_panel_shows_the_decision_handover_and_feedback(make_user: Any) -> None:
    manager = make_user(Role.MASH_MANAGER, mfa=False)
    decision = proposed_decision(outcome=Outcome.EARLY_HELP)
    panel = decision_panel_for(actor=manager, contact=decision.contact)
    assert panel.can_authorise
    assert not panel.can_propose
    decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
    decision.contact.refresh_from_db()
    panel = decision_panel_for(actor=manager, contact=decision.contact)
    assert panel.live == decision
    assert [h.service for h in panel.handovers] == ["early_help"]
    assert len(panel.feedback) == 1
    assert not panel.can_authorise
    html = render_to_string("front_door/decision/_panel.html", {"decision_panel": panel})
    assert "Early help" in html
    assert "Feedback to the referrer" in html
    assert "Queued" in html


def test_the_panel_offers_to_propose_on_a_screened_contact(make_user: Any) -> None:
    worker = make_user(Role.MASH_SOCIAL_WORKER, mfa=False)
    contact = screened_contact()
    panel = decision_panel_for(actor=worker, contact=contact)
    assert panel.can_propose
    assert panel.live is None
    html = render_to_string("front_door/decision/_panel.html", {"decision_panel": panel})
    assert reverse("front_door_decisions:propose", kwargs={"contact_id": contact.pk}) in html


def test_the_panel_is_not_for_other_roles(make_user: Any) -> None:
    contact = screened_contact()
    with pytest.raises(NotFoundOrForbidden):
        decision_panel_for(actor=make_user(Role.REFERRER, mfa=False), contact=contact)
