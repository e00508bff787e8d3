"""Who sees and acts on early help episodes (ADR 0007 §2; R18, R19).

One table, role, relationship and action, so the matrix cannot drift; and the list never shows an
episode that the object check refuses.
"""

from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.early_help.policies import episode_policy
from safehub.early_help.selectors import episode_get, episode_list, episodes_visible
from safehub.early_help.services import taf_member_add, taf_member_leave
from safehub.people.tests.factories import restrict
from safehub.platform.errors import NotFoundOrForbidden

from .factories import TODAY, child, opened, partner, practitioner

pytestmark = pytest.mark.django_db

# (role, on the team?) -> the actions allowed; every other action is not-found-or-forbidden.
MATRIX = [
    (Role.EARLY_HELP, False, {"view", "record", "manage"}),
    (Role.EARLY_HELP_PARTNER, True, {"view", "record"}),
    (Role.EARLY_HELP_PARTNER, False, set()),
    (Role.SOCIAL_WORKER, False, {"view"}),
    (Role.TEAM_MANAGER, False, {"view"}),
    (Role.MASH_SOCIAL_WORKER, False, {"view"}),
    (Role.REFERRER, True, set()),
    (Role.PERFORMANCE_ANALYST, False, set()),
    (Role.MASH_PARTNER, False, set()),
]


@pytest.mark.parametrize(("role", "on_team", "allowed"), MATRIX)
def test_the_permission_matrix(role, on_team, allowed):
    worker = practitioner()
    episode = opened(worker)
    actor: Any = UserFactory(role=role)
    if on_team:
        taf_member_add(actor=worker, episode=episode, agency=actor.agency, user=actor)
    for action in ("view", "record", "manage"):
        assert episode_policy.can(actor, action, episode) is (action in allowed), action
        in_scope = (
            episode_policy.scope(actor, episodes_visible(worker), action).filter(pk=episode.pk).exists()
        )
        assert in_scope is (action in allowed), action
    if "view" in allowed:
        assert episode_get(actor=actor, id=episode.pk) == episode
    else:
        with pytest.raises(NotFoundOrForbidden):
            episode_get(actor=actor, id=episode.pk)


def test_a_partner_not_on_the_episode_gets_404_and_an_empty_list_and_loses_it_on_leaving():
    """R18, R19: partners see only the episodes they are current TAF members of."""
    worker = practitioner()
    theirs, other = opened(worker), opened(worker)
    head = partner()
    member = taf_member_add(actor=worker, episode=theirs, agency=head.agency, user=head)
    assert [e.pk for e in episode_list(actor=head).episodes] == [theirs.pk]
    with pytest.raises(NotFoundOrForbidden):
        episode_get(actor=head, id=other.pk)
    taf_member_leave(actor=worker, member=member, left_on=TODAY)
    assert episode_list(actor=head).episodes == []
    with pytest.raises(NotFoundOrForbidden):
        episode_get(actor=head, id=theirs.pk)


def test_an_episode_is_hidden_from_anyone_restricted_from_any_member():
    worker = practitioner()
    kept, sibling = child(), child()
    episode = opened(worker, children=[kept, sibling])
    restrict(sibling)
    viewer = UserFactory(role=Role.SOCIAL_WORKER)
    with pytest.raises(NotFoundOrForbidden):
        episode_get(actor=viewer, id=episode.pk)
    assert episode_list(actor=viewer).episodes == []


def test_an_inactive_account_sees_nothing():
    worker = practitioner()
    episode = opened(worker)
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert not episode_policy.can(worker, "view", episode)
    assert not episodes_visible(worker).exists()
