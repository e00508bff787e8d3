"""Step-down from children's social care: `step_down_request`, the early help team's inbox
(`step_downs_waiting`) and `step_down_accept` (ADR 0007, decision 6; issue 9, item 5)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.models import Involvement
from safehub.casework.tests.factories import team_with
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.early_help.constants import EpisodeSource, MemberRole, StepDirection
from safehub.early_help.models import EarlyHelpEpisode, Step
from safehub.early_help.tests.factories import adult, opened, partner
from safehub.people.tests.factories import restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ...selectors.early_help import step_down_get, step_downs_waiting
from ...services.early_help import step_down_accept, step_down_request
from .helpers import eh_practitioner

pytestmark = pytest.mark.django_db

HANDOVER = (
    "Assessment found no need for statutory services. Dad's drinking is the family's worry; he "
    "started with the recovery service in October. The children are close to their gran."
)


def _referral() -> Any:
    return ReferralFactory()


def _manager() -> Any:
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    return manager


def _requested() -> Step:
    return step_down_request(actor=_manager(), referral=_referral(), reason=HANDOVER)


def test_a_manager_asks_for_a_step_down_from_the_referral() -> None:
    referral = _referral()
    manager = _manager()
    step = step_down_request(actor=manager, referral=referral, reason=f"  {HANDOVER}  ")
    assert step.direction == StepDirection.DOWN
    assert (step.episode, step.completed_on) == (None, None)
    assert (step.person, step.other_reference) == (referral.person, str(referral.pk))
    assert (step.requested_on, step.reason, step.requested_by) == (clock.today(), HANDOVER, manager)
    assert AuditEvent.objects.filter(object_id=str(step.pk), verb="create", section="step_down").exists()


def test_the_handover_is_required() -> None:
    with pytest.raises(ValidationError) as error:
        step_down_request(actor=_manager(), referral=_referral(), reason=" ")
    assert "reason" in error.value.message_dict
    assert not Step.objects.exists()


def test_a_second_waiting_step_down_for_the_referral_is_refused() -> None:
    referral = _referral()
    manager = _manager()
    step_down_request(actor=manager, referral=referral, reason=HANDOVER)
    with pytest.raises(ValidationError):
        step_down_request(actor=manager, referral=referral, reason="Again.")
    assert Step.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.MASH_MANAGER])
def test_without_manage_on_the_referral_it_is_not_there(role: str, make_user: Any) -> None:
    """R18/R19: only those who manage the case may step it down."""
    with pytest.raises(NotFoundOrForbidden):
        step_down_request(actor=make_user(role, mfa=False), referral=_referral(), reason=HANDOVER)
    assert not Step.objects.exists()


def test_a_restricted_childs_referral_is_not_there_for_a_manager_without_access() -> None:
    referral = _referral()
    restrict(referral.person)
    with pytest.raises(NotFoundOrForbidden):
        step_down_request(actor=_manager(), referral=referral, reason=HANDOVER)


def test_the_early_help_inbox_lists_waiting_step_downs_and_hides_restricted_children(make_user: Any) -> None:
    first, second, hidden = _requested(), _requested(), _requested()
    restrict(hidden.person)
    _team, practitioner = eh_practitioner()
    assert step_downs_waiting(actor=practitioner) == [first, second]
    assert step_down_get(actor=practitioner, id=first.pk) == first
    with pytest.raises(NotFoundOrForbidden):
        step_down_get(actor=practitioner, id=hidden.pk)
    for role in (Role.SOCIAL_WORKER, Role.MASH_MANAGER):
        user = make_user(role, mfa=False)
        assert step_downs_waiting(actor=user) == []
        with pytest.raises(NotFoundOrForbidden):
            step_down_get(actor=user, id=first.pk)
    assert step_downs_waiting(actor=partner()) == []


def test_accepting_opens_the_episode_with_the_handover_and_completes_the_step() -> None:
    step = _requested()
    team, practitioner = eh_practitioner()
    dad = adult()
    episode = step_down_accept(
        actor=practitioner,
        step=step,
        team=team,
        worker=practitioner,
        family_name="the Synthetic family",
        adults=[dad],
    )
    assert episode.source == EpisodeSource.STEP_DOWN
    assert episode.source_reference == step.other_reference
    assert (episode.step_down_handover, episode.reason) == (HANDOVER, HANDOVER)
    assert (episode.team, episode.organisation) == (team, team.agency)
    assert episode.members.get(role=MemberRole.CHILD).person == step.person
    assert episode.members.get(role=MemberRole.PARENT_CARER).person == dad
    step.refresh_from_db()
    assert (step.episode, step.completed_on) == (episode, clock.today())
    assert step_downs_waiting(actor=practitioner) == []
    assert AuditEvent.objects.filter(object_id=str(step.pk), section="step_down_accept").exists()


def test_a_step_down_is_accepted_once() -> None:
    step = _requested()
    team, practitioner = eh_practitioner()
    step_down_accept(actor=practitioner, step=step, team=team, family_name="the Synthetic family")
    with pytest.raises(ValidationError):
        step_down_accept(actor=practitioner, step=step, team=team, family_name="the Synthetic family")
    assert EarlyHelpEpisode.objects.count() == 1


def test_a_refused_acceptance_writes_nothing_and_the_step_waits() -> None:
    """R50: the child already in an open episode refuses the acceptance; nothing is written."""
    step = _requested()
    team, practitioner = eh_practitioner()
    opened(practitioner, team=team, children=[step.person])
    before = (EarlyHelpEpisode.objects.count(), Involvement.objects.count())
    with pytest.raises(ValidationError):
        step_down_accept(actor=practitioner, step=step, team=team, family_name="the Synthetic family")
    assert (EarlyHelpEpisode.objects.count(), Involvement.objects.count()) == before
    step.refresh_from_db()
    assert (step.episode, step.completed_on) == (None, None)


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_MANAGER])
def test_only_early_help_managers_may_accept(role: str, make_user: Any) -> None:
    """R18/R19: without manage_early_help the step-down is not there."""
    step = _requested()
    team, _practitioner = eh_practitioner()
    with pytest.raises(NotFoundOrForbidden):
        step_down_accept(
            actor=make_user(role, mfa=False), step=step, team=team, family_name="the Synthetic family"
        )
    with pytest.raises(NotFoundOrForbidden):
        step_down_accept(actor=partner(), step=step, team=team, family_name="the Synthetic family")
    assert not EarlyHelpEpisode.objects.exists()


def test_a_restricted_child_cannot_be_accepted() -> None:
    """R22: a child the practitioner may not open answers like a missing step-down."""
    step = _requested()
    restrict(step.person)
    team, practitioner = eh_practitioner()
    with pytest.raises(NotFoundOrForbidden):
        step_down_accept(actor=practitioner, step=step, team=team, family_name="the Synthetic family")
    assert not EarlyHelpEpisode.objects.exists()


def test_a_step_down_entered_late_keeps_its_own_dates() -> None:
    """Timeliness is reported from these dates, so a step-down typed up late must say when it
    really happened, within the referral's life and never in the future."""
    from datetime import timedelta

    referral = _referral()
    manager = _manager()
    with pytest.raises(ValidationError) as error:
        step_down_request(
            actor=manager,
            referral=referral,
            reason=HANDOVER,
            requested_on=referral.referral_date - timedelta(days=1),
        )
    assert "requested_on" in error.value.message_dict
    asked = max(referral.referral_date, clock.today() - timedelta(days=10))
    step = step_down_request(actor=manager, referral=referral, reason=HANDOVER, requested_on=asked)
    assert step.requested_on == asked
    team, worker = eh_practitioner()
    with pytest.raises(ValidationError) as error:
        step_down_accept(
            actor=worker,
            step=step,
            team=team,
            family_name="the Late family",
            opened_on=asked - timedelta(days=1),
        )
    assert "opened_on" in error.value.message_dict
    taken = min(asked + timedelta(days=3), clock.today())
    episode = step_down_accept(
        actor=worker, step=step, team=team, family_name="the Late family", opened_on=taken
    )
    step.refresh_from_db()
    assert (episode.opened_on, step.completed_on) == (taken, taken)
