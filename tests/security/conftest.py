"""A seeded world for the sweeps: one object of each kind that a route can name."""

from datetime import date, timedelta
from typing import Any

import pytest

from safehub.access.constants import GrantStatus, Level
from safehub.accounts.constants import Role

from .care_world import care_world
from .casework_world import casework_world
from .early_help_world import early_help_world
from .front_door_world import front_door_world
from .learning_world import learning_world
from .people_world import people_world
from .returns_world import returns_world


@pytest.fixture
def world(db: Any, make_user: Any, code_lists: Any) -> dict[str, Any]:
    from safehub.access.tests.factories import make_break_glass, make_grant, make_person, restrict
    from safehub.accounts.tests.factories import AgencyFactory, TeamFactory
    from safehub.api.tests.factories import api_key
    from safehub.platform.models import LocalClosure

    author = make_user(Role.SOCIAL_WORKER, email="author@example.test")
    ig = make_user(Role.IG_OFFICER, email="ig.author@example.test")
    restricted = make_person(given_name="Rhian", family_name="Quillfeather")
    restriction = restrict(restricted, Level.RESTRICTED, by=ig)
    key, _secret = api_key(name="Sweep feed")
    world = {
        "user": author,
        "agency": AgencyFactory(name="Sweep Agency"),
        "team": TeamFactory(name="Sweep Team"),
        "person": make_person(
            given_name="Sweep", family_name="Zedwood", sex="1", date_of_birth=date(2014, 2, 3)
        ),
        "restricted_person": restricted,
        "grant": make_grant(restriction, author, status=GrantStatus.PENDING, starts_in=timedelta(hours=1)),
        "break_glass": make_break_glass(author, restricted),
        "closure": LocalClosure.objects.create(
            date=date.today() + timedelta(days=40), reason="Sweep closure"
        ),
        "api_key": key,
    }
    world.update(people_world(world, make_user))
    world.update(front_door_world(world, make_user))
    world.update(casework_world(world, make_user))
    world.update(care_world(world, make_user))
    world.update(early_help_world(world, make_user))
    world.update(returns_world(world, make_user))
    world.update(learning_world(world, make_user))
    return world
