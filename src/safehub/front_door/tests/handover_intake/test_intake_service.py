"""A MASH handover becomes referrals: `handover_accept_as_referral` (issue 5, ADR 0004 decision 6)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.models import Allocation, Involvement
from safehub.casework.tests.factories import team_with
from safehub.child_protection.models import Referral
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import CHILD_ROLES, HandoverService, HandoverStatus, Outcome
from ...selectors.handovers import handovers_waiting
from ...services.handover import HandoverAlreadyPickedUp
from ...services.handover_intake import handover_accept_as_referral
from .helpers import handover_with_children

pytestmark = pytest.mark.django_db


def _children(handover: Any) -> list[Any]:
    return [s.person for s in handover.contact.subjects.filter(role__in=CHILD_ROLES).order_by("created_at")]


def test_two_children_become_two_allocated_referrals_and_the_handover_is_picked_up() -> None:
    handover = handover_with_children(children=2)
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    referrals = handover_accept_as_referral(
        actor=manager, handover=handover, primary_need="N1", team=team, worker=worker
    )
    contact = handover.contact
    assert [r.person for r in referrals] == _children(handover)
    authorised_on = timezone.localdate(handover.decision.authorised_at)
    for referral in referrals:
        assert referral.referral_date == authorised_on
        assert (referral.source, referral.primary_need) == (contact.referral_source, "N1")
        assert referral.summary == contact.summary
        assert referral.mash_reference == contact.reference
        assert (referral.involvement.team, referral.involvement.worker) == (team, worker)
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.PICKED_UP
    assert handover.picked_up_by == manager
    assert handover.receiving_reference == str(referrals[0].pk)
    assert handovers_waiting(actor=manager, service=HandoverService.ASSESSMENT) == []


def test_a_strategy_handover_opens_referrals_but_records_no_strategy_discussion() -> None:
    handover = handover_with_children(outcome=Outcome.STRATEGY, children=1)
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    (referral,) = handover_accept_as_referral(actor=manager, handover=handover)
    assert referral.strategy_discussions.count() == 0
    assert not Allocation.objects.filter(involvement=referral.involvement).exists()


def test_a_child_with_an_open_referral_stops_the_whole_intake() -> None:
    """R50: the second child's open referral refuses the intake, naming the child and the
    referral's date, and nothing is written for the first child either."""
    handover = handover_with_children(children=2)
    first, second = _children(handover)
    existing = ReferralFactory(person=second)
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    before = (Referral.objects.count(), Involvement.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        handover_accept_as_referral(actor=manager, handover=handover)
    message = " ".join(error.value.messages)
    assert str(second) in message
    assert f"{existing.referral_date:%-d %B %Y}" in message
    assert str(first) not in message
    assert (Referral.objects.count(), Involvement.objects.count(), AuditEvent.objects.count()) == before
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WAITING


def test_a_failure_after_the_referrals_rolls_everything_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """R50: the pick-up failing after both referrals were written leaves no referral behind."""
    from ...services import handover_intake

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("pick-up failed")

    monkeypatch.setattr(handover_intake, "handover_pick_up", broken)
    handover = handover_with_children(children=2)
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    with pytest.raises(RuntimeError):
        handover_accept_as_referral(actor=manager, handover=handover)
    assert not Referral.objects.exists()
    assert not Involvement.objects.exists()


def test_a_second_manager_is_told_it_was_already_picked_up() -> None:
    handover = handover_with_children(children=1)
    _team, (first, second) = team_with(Role.TEAM_MANAGER, Role.TEAM_MANAGER)
    handover_accept_as_referral(actor=first, handover=handover)
    with pytest.raises(HandoverAlreadyPickedUp) as error:
        handover_accept_as_referral(actor=second, handover=handover)
    assert error.value.handover.picked_up_by == first
    assert Referral.objects.count() == 1


def test_a_worker_outside_the_team_is_refused_at_the_worker() -> None:
    handover = handover_with_children(children=1)
    team, (manager,) = team_with(Role.TEAM_MANAGER)
    _other, (outsider,) = team_with(Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError) as error:
        handover_accept_as_referral(actor=manager, handover=handover, team=team, worker=outsider)
    assert "worker" in error.value.message_dict
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.IRO, Role.MASH_MANAGER, Role.EARLY_HELP])
def test_only_managers_who_allocate_may_accept(role: str, make_user: Any) -> None:
    """R18/R19: without manage_cases the handover is not there for you."""
    handover = handover_with_children(children=1)
    with pytest.raises(NotFoundOrForbidden):
        handover_accept_as_referral(actor=make_user(role, mfa=False), handover=handover)
    assert not Referral.objects.exists()


def test_an_early_help_handover_is_not_a_referral(make_user: Any) -> None:
    handover = handover_with_children(outcome=Outcome.EARLY_HELP, children=1)
    with pytest.raises(NotFoundOrForbidden):
        handover_accept_as_referral(actor=make_user(Role.TEAM_MANAGER, mfa=False), handover=handover)
