"""R19(b): the person policy's list filter and object check agree, and match a pure reference rule.

Hypothesis builds random worlds of users (roles, active or not), people, restrictions, grants in
every state and emergency uses, then checks every (user, person) pair three ways:
`person in scope(user)` ⇔ `person in visible(user, ids)` ⇔ `can(user, "view", person)` ⇔
`reference(user, person)`.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.access.constants import GrantStatus, Level
from safehub.accounts.constants import ROLE_CAPABILITIES, Capability, Role
from safehub.accounts.tests.factories import UserFactory
from safehub.people.models import Person
from safehub.people.policies import person_policy

from .factories import make_break_glass, make_grant, make_person, restrict

# How a grant or an emergency use stands relative to now.
GRANT_KINDS = ("active", "pending", "expired", "future", "refused", "revoked")
USE_KINDS = ("live", "expired")
_GRANT_ROWS = {
    "active": (GrantStatus.ACTIVE, timedelta(days=-1), timedelta(days=5)),
    "pending": (GrantStatus.PENDING, timedelta(days=-1), timedelta(days=5)),
    "expired": (GrantStatus.ACTIVE, timedelta(days=-9), timedelta(days=5)),
    "future": (GrantStatus.ACTIVE, timedelta(days=2), timedelta(days=5)),
    "refused": (GrantStatus.REFUSED, timedelta(days=-1), timedelta(days=5)),
    "revoked": (GrantStatus.REVOKED, timedelta(days=-1), timedelta(days=5)),
}
_USE_ROWS = {"live": timedelta(minutes=30), "expired": timedelta(hours=3)}


@dataclass(frozen=True)
class World:
    users: list[tuple[str, bool]]  # (role, active)
    restrictions: list[str | None]  # one per person: None, "restricted" or "sealed"
    grants: list[tuple[int, int, str]]  # (user index, person index, grant kind)
    uses: list[tuple[int, int, str]]  # (user index, person index, use kind)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    users = draw(st.lists(st.tuples(st.sampled_from(list(Role)), st.booleans()), min_size=1, max_size=4))
    restrictions = draw(
        st.lists(st.sampled_from([None, Level.RESTRICTED, Level.SEALED]), min_size=1, max_size=4)
    )
    user_ix, person_ix = st.integers(0, len(users) - 1), st.integers(0, len(restrictions) - 1)
    grants = draw(st.lists(st.tuples(user_ix, person_ix, st.sampled_from(GRANT_KINDS)), max_size=6))
    uses = draw(st.lists(st.tuples(user_ix, person_ix, st.sampled_from(USE_KINDS)), max_size=6))
    return World(users=users, restrictions=restrictions, grants=grants, uses=uses)


def reference(world: World, user: int, person: int) -> bool:
    """The rule in plain words: the role may view people at all; then an unrestricted record is
    visible, a restricted or sealed one through the user's own active grant, and a restricted one
    (never a sealed one) through the user's own live emergency access."""
    role, active = world.users[user]
    if not active or Capability.VIEW_PEOPLE not in ROLE_CAPABILITIES[role]:
        return False
    level = world.restrictions[person]
    if level is None:
        return True
    # Grants exist only on restricted records (a grant hangs off its restriction).
    if (user, person, "active") in world.grants:
        return True
    return level == Level.RESTRICTED and (user, person, "live") in world.uses


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_scope_and_can_agree_with_the_reference_rule(db: None, world: World) -> None:
    """R19(b): obj in scope(u) ⇔ can(u, obj) ⇔ reference(u, obj) over random worlds."""
    with transaction.atomic():
        # Each example builds its world inside a savepoint and rolls it back, so worlds never mix.
        check_world(world)
        transaction.set_rollback(True)


def check_world(world: World) -> None:
    approver = UserFactory(role=Role.IG_OFFICER)
    users = [UserFactory(role=role, is_active=active) for role, active in world.users]
    people = [make_person(given_name=f"P{i}") for i in range(len(world.restrictions))]
    restrictions = {
        i: restrict(people[i], level, by=approver) for i, level in enumerate(world.restrictions) if level
    }
    for u, p, kind in world.grants:
        if p in restrictions:
            status, starts_in, lasts = _GRANT_ROWS[kind]
            make_grant(
                restrictions[p],
                users[u],
                status=status,
                starts_in=starts_in,
                lasts=lasts,
                requested_by=approver,
            )
    for u, p, kind in world.uses:
        make_break_glass(users[u], people[p], started_ago=_USE_ROWS[kind])
    effective = World(
        users=world.users,
        restrictions=world.restrictions,
        grants=[g for g in world.grants if g[1] in restrictions],
        uses=world.uses,
    )
    for ui, user in enumerate(users):
        in_scope = set(person_policy.scope(user, Person.objects.all()).values_list("pk", flat=True))
        listed = {person.pk for person in person_policy.visible(user, [p.pk for p in people])}
        for pi, person in enumerate(people):
            expected = reference(effective, ui, pi)
            assert (
                (person.pk in in_scope)
                == (person.pk in listed)
                == person_policy.can(user, "view", person)
                == expected
            ), (
                world.users[ui],
                world.restrictions[pi],
            )
