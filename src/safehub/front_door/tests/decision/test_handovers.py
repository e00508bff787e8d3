"""Handovers: the receiving services' inbox and pick-up (issue 4, item 6)."""

from typing import Any

import pytest

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import HandoverService, HandoverStatus, Outcome
from ...models import Handover
from ...selectors.handovers import handover_get, handovers_waiting
from ...services.decision import decision_authorise
from ...services.handover import HandoverAlreadyPickedUp, handover_pick_up
from .factories_decision import proposed_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def handover_for(make_user: Any) -> Any:
    manager = make_user(Role.MASH_MANAGER, mfa=False)

    def _make(outcome: str) -> Handover:
        decision = proposed_decision(outcome=outcome)
        decision_authorise(actor=manager, decision=decision, expected_version=decision.version)
        return Handover.objects.get(decision=decision)

    return _make


def test_each_service_sees_only_its_own_waiting_work(handover_for: Any, make_user: Any) -> None:
    early = handover_for(Outcome.EARLY_HELP)
    assessment = handover_for(Outcome.ASSESSMENT)
    strategy = handover_for(Outcome.STRATEGY)
    practitioner = make_user(Role.EARLY_HELP, mfa=False)
    social_worker = make_user(Role.TEAM_MANAGER, mfa=False)
    assert handovers_waiting(actor=practitioner, service=HandoverService.EARLY_HELP) == [early]
    assert handovers_waiting(actor=practitioner, service=HandoverService.ASSESSMENT) == []
    assert handovers_waiting(actor=social_worker, service=HandoverService.ASSESSMENT) == [assessment]
    assert handovers_waiting(actor=social_worker, service=HandoverService.CHILD_PROTECTION) == [strategy]
    assert handovers_waiting(actor=social_worker, service=HandoverService.EARLY_HELP) == []
    listed = AuditEvent.objects.filter(verb="list", object_type="front_door.handover")
    assert listed.count() == 3  # the refusals list nothing and record nothing


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.REFERRER, Role.MASH_PARTNER, Role.IRO])
def test_other_roles_see_no_handovers(handover_for: Any, make_user: Any, role: str) -> None:
    handover = handover_for(Outcome.ASSESSMENT)
    actor = make_user(role, mfa=False)
    assert handovers_waiting(actor=actor, service=HandoverService.ASSESSMENT) == []
    with pytest.raises(NotFoundOrForbidden):
        handover_get(actor=actor, id=handover.pk)
    with pytest.raises(NotFoundOrForbidden):
        handover_pick_up(actor=actor, handover=handover)


def test_a_restricted_contact_is_left_out(handover_for: Any, make_user: Any) -> None:
    """R19/R22: a contact restricted from the reader is not in their inbox either."""
    from safehub.access.models import RestrictedRecord

    handover = handover_for(Outcome.EARLY_HELP)
    ig = make_user(Role.IG_OFFICER, mfa=False)
    RestrictedRecord.objects.create(
        object_type="front_door.contact",
        object_id=handover.contact_id,
        level=Level.RESTRICTED,
        reason="staff_subject",
        restricted_by=ig,
    )
    practitioner = make_user(Role.EARLY_HELP, mfa=False)
    assert handovers_waiting(actor=practitioner, service=HandoverService.EARLY_HELP) == []
    with pytest.raises(NotFoundOrForbidden):
        handover_get(actor=practitioner, id=handover.pk)


def test_picking_up_records_who_when_and_the_receiving_reference(handover_for: Any, make_user: Any) -> None:
    handover = handover_for(Outcome.EARLY_HELP)
    practitioner = make_user(Role.EARLY_HELP, mfa=False)
    picked = handover_pick_up(actor=practitioner, handover=handover, receiving_reference=" EH-0042 ")
    assert picked.status == HandoverStatus.PICKED_UP
    assert picked.picked_up_by == practitioner
    assert picked.picked_up_at is not None
    assert picked.receiving_reference == "EH-0042"
    assert handovers_waiting(actor=practitioner, service=HandoverService.EARLY_HELP) == []
    assert AuditEvent.objects.filter(object_id=str(handover.pk), section="pick_up").count() == 1


def test_picking_up_twice_is_refused_for_anyone_else_and_harmless_for_a_retry(
    handover_for: Any, make_user: Any
) -> None:
    handover = handover_for(Outcome.ASSESSMENT)
    first = make_user(Role.TEAM_MANAGER, mfa=False)
    second = make_user(Role.TEAM_MANAGER, mfa=False)
    handover_pick_up(actor=first, handover=handover, receiving_reference="CIN-7")
    again = handover_pick_up(actor=first, handover=handover, receiving_reference="CIN-7")
    assert again.picked_up_by == first
    with pytest.raises(HandoverAlreadyPickedUp) as error:
        handover_pick_up(actor=second, handover=handover)
    assert error.value.handover.picked_up_by == first
    with pytest.raises(HandoverAlreadyPickedUp):
        handover_pick_up(actor=first, handover=handover, receiving_reference="CIN-8")
    handover.refresh_from_db()
    assert (handover.picked_up_by, handover.receiving_reference) == (first, "CIN-7")
    assert AuditEvent.objects.filter(object_id=str(handover.pk), section="pick_up").count() == 1
