"""Open early help episodes on the front door's "already open" panel (issue 4, item 3), through
the episode policy (R19): a MASH worker sees the family's episode, a partner not on it does not."""

import pytest

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.people.involvements import open_involvements

from .factories import adult, child, opened, partner, practitioner

pytestmark = pytest.mark.django_db


def test_the_mash_sees_each_family_member_in_early_help_and_an_outsider_sees_nothing():
    worker = practitioner()
    kid, parent = child(), adult()
    episode = opened(worker, children=[kid], adults=[parent])
    mash = UserFactory(role=Role.MASH_SOCIAL_WORKER)
    found = {i.person_id: i for i in open_involvements(actor=mash, person_ids=[kid.pk, parent.pk])}
    assert set(found) == {kid.pk, parent.pk}
    assert found[kid.pk].service == "Early help (child or young person)"
    assert found[kid.pk].started_on == episode.opened_on
    assert found[kid.pk].url.endswith(f"/early-help/episodes/{episode.pk}/")
    assert open_involvements(actor=partner(), person_ids=[kid.pk, parent.pk]) == []
