"""An early help handover becomes an episode: `handover_accept_as_episode` (ADR 0007, decision 6)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.models import Involvement
from safehub.early_help.constants import EpisodeSource, MemberRole
from safehub.early_help.models import EarlyHelpEpisode
from safehub.early_help.tests.factories import adult, opened, partner
from safehub.people.tests.factories import restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import CHILD_ROLES, HandoverService, HandoverStatus, SubjectRole
from ...models import ContactSubject
from ...selectors.handovers import handovers_waiting
from ...services.early_help import handover_accept_as_episode
from ...services.handover import HandoverAlreadyPickedUp
from ..factories import ContactSubjectFactory
from ..handover_intake.helpers import handover_with_children
from .helpers import early_help_handover, eh_practitioner

pytestmark = pytest.mark.django_db


def _children(handover: Any) -> list[Any]:
    return [s.person for s in handover.contact.subjects.filter(role__in=CHILD_ROLES).order_by("created_at")]


def _accept(actor: Any, handover: Any, team: Any, **kwargs: Any) -> EarlyHelpEpisode:
    kwargs.setdefault("family_name", "the Synthetic family")
    kwargs.setdefault("reason", "Parents asked for help with routines; the MASH decided early help.")
    return handover_accept_as_episode(actor=actor, handover=handover, team=team, **kwargs)


def test_the_handover_opens_an_episode_for_the_contacts_children_and_is_picked_up() -> None:
    handover = early_help_handover(children=2)
    team, practitioner = eh_practitioner()
    mother = adult()
    episode = _accept(
        practitioner, handover, team, worker=practitioner, adults=[(mother, MemberRole.PARENT_CARER)]
    )

    assert episode.source == EpisodeSource.FRONT_DOOR
    assert episode.source_reference == handover.contact.reference
    assert (episode.team, episode.organisation) == (team, team.agency)
    assert episode.opened_on == clock.today()
    children = [m.person for m in episode.members.filter(role=MemberRole.CHILD).order_by("created_at")]
    assert children == _children(handover)
    assert episode.members.get(role=MemberRole.PARENT_CARER).person == mother
    for member in episode.members.filter(role=MemberRole.CHILD):
        assert member.involvement is not None
        assert (member.involvement.team, member.involvement.worker) == (team, practitioner)
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.PICKED_UP
    assert handover.picked_up_by == practitioner
    assert handover.receiving_reference == str(episode.pk)
    assert handovers_waiting(actor=practitioner, service=HandoverService.EARLY_HELP) == []
    assert AuditEvent.objects.filter(object_id=str(episode.pk), verb="create").exists()
    assert AuditEvent.objects.filter(object_id=str(handover.pk), section="pick_up").exists()


def test_a_second_pick_up_is_told_it_was_already_picked_up() -> None:
    handover = early_help_handover()
    team, first = eh_practitioner()
    _other_team, second = eh_practitioner()
    _accept(first, handover, team)
    with pytest.raises(HandoverAlreadyPickedUp) as error:
        _accept(second, handover, team)
    assert error.value.handover.picked_up_by == first
    assert EarlyHelpEpisode.objects.count() == 1


def test_a_child_already_in_early_help_refuses_and_leaves_the_handover_waiting() -> None:
    """R50: the refusal writes nothing: no episode, no involvement, the handover still waiting."""
    handover = early_help_handover(children=2)
    team, practitioner = eh_practitioner()
    opened(practitioner, team=team, children=[_children(handover)[1]])
    before = (EarlyHelpEpisode.objects.count(), Involvement.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        _accept(practitioner, handover, team)
    assert "already in an open early help episode" in " ".join(error.value.messages)
    assert (
        EarlyHelpEpisode.objects.count(),
        Involvement.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WAITING


def test_a_failure_at_the_pick_up_rolls_the_episode_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """R50: the episode is written first; the pick-up failing after it leaves no episode behind."""
    from ...services import early_help

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("pick-up failed")

    monkeypatch.setattr(early_help, "handover_pick_up", broken)
    handover = early_help_handover()
    team, practitioner = eh_practitioner()
    with pytest.raises(RuntimeError):
        _accept(practitioner, handover, team)
    assert not EarlyHelpEpisode.objects.exists()
    assert not Involvement.objects.exists()
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WAITING


def test_an_unlinked_child_is_named_and_nothing_is_written() -> None:
    handover = early_help_handover()
    ContactSubjectFactory(
        contact=handover.contact,
        role=SubjectRole.CHILD,
        person=None,
        details={"given_name": "Tamsin", "family_name": "Quarrendon"},
    )
    team, practitioner = eh_practitioner()
    with pytest.raises(ValidationError) as error:
        _accept(practitioner, handover, team)
    assert "Tamsin Quarrendon is not linked" in " ".join(error.value.messages)
    assert not EarlyHelpEpisode.objects.exists()


def test_a_hidden_child_is_refused_without_being_named() -> None:
    """R22, T5: a restricted child stops the intake with one generic message."""
    handover = early_help_handover()
    (hidden,) = _children(handover)
    restrict(hidden)
    team, practitioner = eh_practitioner()
    with pytest.raises(ValidationError) as error:
        _accept(practitioner, handover, team)
    message = " ".join(error.value.messages)
    assert "ask information governance" in message
    assert hidden.family_name not in message
    assert not EarlyHelpEpisode.objects.exists()
    assert ContactSubject.objects.filter(person=hidden).exists()


@pytest.mark.parametrize(
    "role", [Role.MASH_MANAGER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.EARLY_HELP_PARTNER]
)
def test_without_early_help_pick_up_the_handover_is_not_there(role: str, make_user: Any) -> None:
    """R18/R19: anyone but an early help practitioner gets the answer for a missing handover."""
    handover = early_help_handover()
    team, _practitioner = eh_practitioner()
    actor = partner() if role == Role.EARLY_HELP_PARTNER else make_user(role, mfa=False)
    with pytest.raises(NotFoundOrForbidden):
        _accept(actor, handover, team)
    assert not EarlyHelpEpisode.objects.exists()
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WAITING


def test_a_social_care_handover_is_not_early_helps() -> None:
    handover = handover_with_children(outcome="assessment", children=1)
    team, practitioner = eh_practitioner()
    with pytest.raises(NotFoundOrForbidden):
        _accept(practitioner, handover, team)
    assert not EarlyHelpEpisode.objects.exists()
