"""A synthetic three-generation family for the network and chronology tests."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.people.constants import RelationshipKind as K
from safehub.people.constants import Sex
from safehub.people.services import household_create, household_member_add, relationship_add
from safehub.people.tests.factories import AddressFactory, indexed_person


@pytest.fixture
def editor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def police(db: Any) -> Any:
    return AgencyFactory(name="Synthetic Constabulary", kind=AgencyKind.POLICE)


@pytest.fixture
def family(editor: Any) -> dict[str, Any]:
    """Gran -> Mum (partner Dad, ex-partner Ex) -> Kid (focus), Sis; Half via Ex; Bump unborn; Mum's household."""

    def person(given: str, sex: str = Sex.FEMALE, **fields: Any) -> Any:
        fields.setdefault("date_of_birth", date(1990, 1, 1))
        return indexed_person(actor=editor, given_name=given, family_name="Testfamily", sex=sex, **fields)

    people = {
        "gran": person("Gran", date_of_birth=date(1950, 5, 5), date_of_death=date(2020, 1, 1)),
        "mum": person("Mum", date_of_birth=date(1975, 3, 3)),
        "dad": person("Dad", Sex.MALE, date_of_birth=date(1974, 4, 4)),
        "ex": person("Ex", Sex.UNKNOWN, date_of_birth=date(1973, 1, 1)),
        "kid": person("Kid", Sex.MALE, date_of_birth=date(2015, 6, 6)),
        "sis": person("Sis", date_of_birth=date(2017, 7, 7)),
        "half": person("Half", Sex.MALE, date_of_birth=date(2010, 2, 2)),
        "bump": person("Bump", Sex.UNKNOWN, date_of_birth=None, expected_date_of_birth=date(2027, 3, 1)),
        "lodger": person("Lodger", Sex.MALE, date_of_birth=date(1960, 1, 1)),
    }
    p = people
    add = relationship_add
    add(actor=editor, person_a=p["gran"], person_b=p["mum"], kind=K.PARENT)
    add(actor=editor, person_a=p["mum"], person_b=p["dad"], kind=K.PARTNER)
    add(
        actor=editor,
        person_a=p["mum"],
        person_b=p["ex"],
        kind=K.PARTNER,
        valid_from=date(2008, 1, 1),
        valid_to=date(2012, 1, 1),
    )
    add(actor=editor, person_a=p["mum"], person_b=p["kid"], kind=K.PARENT)
    add(actor=editor, person_a=p["dad"], person_b=p["kid"], kind=K.PARENT)
    add(actor=editor, person_a=p["mum"], person_b=p["sis"], kind=K.PARENT)
    add(actor=editor, person_a=p["kid"], person_b=p["sis"], kind=K.SIBLING)
    add(actor=editor, person_a=p["kid"], person_b=p["half"], kind=K.HALF_SIBLING)
    add(actor=editor, person_a=p["ex"], person_b=p["half"], kind=K.PARENT)
    add(actor=editor, person_a=p["mum"], person_b=p["bump"], kind=K.PARENT)
    household = household_create(actor=editor, address=AddressFactory())
    for key in ("mum", "dad", "kid", "sis", "lodger"):
        household_member_add(actor=editor, household=household, person=p[key])
    people["household"] = household
    return people
