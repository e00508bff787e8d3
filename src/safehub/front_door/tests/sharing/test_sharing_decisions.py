"""Decisions to share and not to share are recorded with basis, purpose, recipient and items (R33)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import LawfulBasis
from ...models import SharingDecision
from ...services.sharing import sharing_decision_record
from ..factories import ContactFactory, InformationRequestFactory, PartnerResponseFactory
from .factories_sharing import world

pytestmark = pytest.mark.django_db


def _record(w: Any, **overrides: Any) -> SharingDecision:
    arguments: dict[str, Any] = {
        "share": True,
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        "purpose": "The health visitor needs it to plan visits",
        "recipient_agency": w.health,
        "recipient_description": "Health visiting team",
        "fields": ["summary"],
    }
    arguments.update(overrides)
    return sharing_decision_record(actor=w.mash_manager, contact=w.contact, **arguments)


@pytest.mark.parametrize("share", [True, False])
def test_share_and_not_share_are_recorded_alike(share: bool) -> None:
    """R33: every share or no-share has its basis, purpose, recipients, items and decision-maker."""
    w = world()
    response = PartnerResponseFactory(request=InformationRequestFactory(contact=w.contact, agency=w.police))
    decision = _record(w, share=share, responses=[response.pk])
    decision.refresh_from_db()
    assert decision.share is share
    assert decision.lawful_basis
    assert decision.purpose
    assert decision.recipient_agency == w.health
    assert decision.fields == ["summary"]
    assert list(decision.responses.all()) == [response]
    assert decision.decided_by == w.mash_manager
    assert AuditEvent.objects.filter(
        object_id=str(decision.pk), section="share" if share else "no_share"
    ).exists()


@pytest.mark.parametrize("share", [True, False])
def test_basis_purpose_recipient_and_items_are_required(share: bool) -> None:
    """R33: nothing is saved without them, for a decision not to share too."""
    w = world()
    with pytest.raises(ValidationError) as caught:
        _record(
            w,
            share=share,
            lawful_basis="",
            purpose=" ",
            recipient_agency=None,
            recipient_description="",
            fields=[],
        )
    assert set(caught.value.message_dict) == {"lawful_basis", "purpose", "recipient_agency", "responses"}
    assert not SharingDecision.objects.exists()


def test_a_description_is_enough_for_the_recipient() -> None:
    w = world()
    decision = _record(w, recipient_agency=None, recipient_description="The family's GP")
    assert decision.recipient_description == "The family's GP"


def test_answers_must_belong_to_the_contact() -> None:
    w = world()
    other = PartnerResponseFactory(
        request=InformationRequestFactory(contact=ContactFactory(), agency=w.police)
    )
    with pytest.raises(ValidationError) as caught:
        _record(w, responses=[other])
    assert set(caught.value.message_dict) == {"responses"}
    with pytest.raises(ValidationError):
        _record(w, responses=["not-a-uuid"])


def test_unknown_items_are_refused() -> None:
    w = world()
    with pytest.raises(ValidationError) as caught:
        _record(w, fields=["referrer_phone"])
    assert set(caught.value.message_dict) == {"fields"}


def test_only_screeners_decide_what_to_share() -> None:
    """R18: a MASH social worker or a partner cannot record a sharing decision."""
    w = world()
    for actor in (w.mash_worker, w.police_officer):
        with pytest.raises(NotFoundOrForbidden):
            sharing_decision_record(
                actor=actor,
                contact=w.contact,
                share=True,
                lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
                purpose="x",
                recipient_agency=w.health,
                fields=["summary"],
            )
