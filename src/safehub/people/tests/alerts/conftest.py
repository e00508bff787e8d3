"""People, flags, a MASH team and an allocated worker for the alert tests (synthetic data only)."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory
from safehub.people.alerts.registry import register_allocated_workers, unregister_allocated_workers
from safehub.people.constants import RiskFlagKind
from safehub.people.models import Person
from safehub.people.services import risk_flag_add
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock


@pytest.fixture
def editor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def police(db: Any) -> Any:
    return AgencyFactory(name="Synthetic Constabulary", kind=AgencyKind.POLICE)


@pytest.fixture
def adult(editor: Any) -> Person:
    return indexed_person(
        actor=editor, given_name="Zebedee", family_name="Quartermain", date_of_birth=date(1980, 2, 2)
    )


@pytest.fixture
def child(editor: Any) -> Person:
    today = clock.today()
    return indexed_person(
        actor=editor,
        given_name="Clementine",
        family_name="Smallwood",
        date_of_birth=today - timedelta(days=365 * 6),
    )


@pytest.fixture
def flag(editor: Any, police: Any) -> Callable[..., Any]:
    def _flag(person: Person, kind: str = RiskFlagKind.POSING_RISK_TO_CHILDREN, **fields: Any) -> Any:
        today = clock.today()
        fields.setdefault("starts_on", today - timedelta(days=30))
        fields.setdefault("review_on", today + timedelta(days=90))
        return risk_flag_add(actor=editor, person=person, kind=kind, source_agency=police, **fields)

    return _flag


@pytest.fixture
def mash_team(make_user: Callable[..., Any]) -> Any:
    team = TeamFactory(name="Front Door MASH", kind=TeamKind.MASH)
    return team


@pytest.fixture
def mash_worker(make_user: Callable[..., Any], mash_team: Any) -> Any:
    user = make_user(Role.MASH_SOCIAL_WORKER)
    TeamMembership.objects.create(team=mash_team, user=user)
    return user


@pytest.fixture
def allocated(make_user: Callable[..., Any]) -> Iterator[dict[Any, list[Any]]]:
    """A stand-in for casework's registration: `allocated[child.pk] = [user]`."""
    table: dict[Any, list[Any]] = {}

    def provider(child: Person) -> list[Any]:
        return table.get(child.pk, [])

    register_allocated_workers(provider)
    try:
        yield table
    finally:
        unregister_allocated_workers(provider)
