"""Users and people for the person-index service tests."""

from collections.abc import Callable
from typing import Any

import pytest

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.people.models import Person
from safehub.people.tests.factories import indexed_person


@pytest.fixture
def editor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def viewer(make_user: Callable[..., Any]) -> Any:
    """Sees people but may not change them: an IRO has VIEW_PEOPLE without EDIT_PEOPLE."""
    return make_user(Role.IRO)


@pytest.fixture
def police(db: Any) -> Any:
    return AgencyFactory(name="Synthetic Constabulary", kind=AgencyKind.POLICE)


@pytest.fixture
def school(db: Any) -> Any:
    return AgencyFactory(name="Synthetic Academy", kind=AgencyKind.SCHOOL)


@pytest.fixture
def person(editor: Any) -> Person:
    return indexed_person(actor=editor)


@pytest.fixture
def new_person(editor: Any) -> Callable[..., Person]:
    def _make(**fields: Any) -> Person:
        return indexed_person(actor=editor, **fields)

    return _make
