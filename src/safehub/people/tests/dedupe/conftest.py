"""Users and people for the dedupe, merge and review-queue tests."""

from collections.abc import Callable
from typing import Any

import pytest

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.people.models import Person
from safehub.people.tests.factories import indexed_person


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    """Team managers hold the merge function."""
    return make_user(Role.TEAM_MANAGER)


@pytest.fixture
def second_manager(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.MASH_MANAGER)


@pytest.fixture
def police(db: Any) -> Any:
    return AgencyFactory(name="Synthetic Constabulary", kind=AgencyKind.POLICE)


@pytest.fixture
def new_person(manager: Any) -> Callable[..., Person]:
    def _make(**fields: Any) -> Person:
        return indexed_person(actor=manager, **fields)

    return _make
