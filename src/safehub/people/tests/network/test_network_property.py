"""R22/T3 as a property: whichever relatives are restricted, the network never shows one, and
shows every relative the viewer may see.

Hypothesis restricts a random subset of one family (never the focus child) and checks the
network's people, links and households against the person policy's own answer.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.access.constants import Level
from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.people.network.build import family_network
from safehub.people.policies import person_policy
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db

RELATIVES = ("gran", "mum", "dad", "ex", "sis", "half", "bump", "lodger")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    hidden=st.sets(st.sampled_from(RELATIVES)),
    level=st.sampled_from([Level.RESTRICTED, Level.SEALED]),
)
def test_no_restricted_relative_appears_and_every_visible_one_does(make_user, family, hidden, level):
    RestrictedRecord.objects.all().delete()
    for key in hidden:
        restrict(family[key], level)
    viewer = make_user(Role.SOCIAL_WORKER)
    network = family_network(actor=viewer, person=family["kid"])

    shown = {node.person.pk for node in network.people}
    in_links = {p.pk for link in network.links for p in (link.a, link.b)}
    in_households = {m.person_id for row in network.households for m in row.members}
    for key in hidden:
        assert family[key].pk not in shown | in_links | in_households
    for pk in shown:
        assert person_policy.can(viewer, "view", network.by_id()[pk].person)
    # The child's own visible relatives and household members are always there.
    for key in ("mum", "dad", "sis", "half", "lodger"):
        if key not in hidden:
            assert family[key].pk in shown
