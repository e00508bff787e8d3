"""Property: merge then unmerge restores every link exactly, for random link sets (T16, issue 3).

Hypothesis builds a small world around two records of one person (S survives, A is absorbed) and
three others: names, agency identifiers, UPNs, addresses (some shared), households, relationships
of every kind in every direction (between S and A too, and duplicates of S's own), risk flags. The
snapshot is every row of every registered reference, with every field except the bookkeeping that
a save moves on (version, updated_at, updated_by).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory
from safehub.people.constants import RelationshipKind, RiskFlagKind
from safehub.people.merging import person_references
from safehub.people.models import Household, PersonMerge
from safehub.people.services import (
    household_member_add,
    person_address_add,
    person_identifier_add,
    person_merge,
    person_name_add,
    person_unmerge,
    relationship_add,
    risk_flag_add,
)
from safehub.people.tests.factories import AddressFactory, indexed_person
from safehub.platform import clock

# Among the suite's slowest modules: scheduled first, so the run does not end on it (conftest.py).
pytestmark = pytest.mark.slow

PEOPLE = ("S", "A", "X", "Y", "Z")
KINDS = [
    RelationshipKind.PARENT,
    RelationshipKind.CHILD,
    RelationshipKind.SIBLING,
    RelationshipKind.PARTNER,
    RelationshipKind.CARER,
    RelationshipKind.OTHER,
]
VOLATILE = {"version", "updated_at", "updated_by"}
UPNS = ("A801200001001", "B801200001002")


@dataclass(frozen=True)
class World:
    relationships: list[tuple[int, int, str]]
    agency_ids: list[tuple[int, int]]  # (person, value number)
    upns: list[int]  # persons holding a UPN (each distinct)
    addresses: list[tuple[int, int]]  # (person, address index)
    households: list[tuple[int, int]]  # (person, household index)
    aliases: list[int]
    flags: list[int]


person_ix = st.integers(0, len(PEOPLE) - 1)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    return World(
        relationships=draw(st.lists(st.tuples(person_ix, person_ix, st.sampled_from(KINDS)), max_size=8)),
        agency_ids=draw(st.lists(st.tuples(person_ix, st.integers(0, 3)), max_size=5)),
        upns=draw(st.lists(st.sampled_from([0, 1]), max_size=2, unique=True)),
        addresses=draw(st.lists(st.tuples(person_ix, st.integers(0, 2)), max_size=6)),
        households=draw(st.lists(st.tuples(person_ix, st.integers(0, 1)), max_size=5)),
        aliases=draw(st.lists(person_ix, max_size=3)),
        flags=draw(st.lists(person_ix, max_size=3)),
    )


def snapshot() -> dict[tuple[str, str], dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for reference in person_references():
        model = reference.model
        for row in model._default_manager.all():
            rows[(model._meta.label, str(row.pk))] = {
                f.attname: f.value_from_object(row)
                for f in model._meta.concrete_fields
                if f.name not in VOLATILE
            }
    return rows


def build(world: World) -> tuple[Any, list[Any]]:
    actor = UserFactory(role=Role.TEAM_MANAGER)
    agency = AgencyFactory(name="Synthetic Agency", kind=AgencyKind.POLICE)
    people = [
        indexed_person(
            actor=actor, given_name=f"Test{name}", family_name="Propertyson", date_of_birth=date(2012, 5, 6)
        )
        for name in PEOPLE
    ]
    addresses = [AddressFactory() for _ in range(3)]
    households = [Household.objects.create(address=addresses[i]) for i in range(2)]
    today = clock.today()

    def attempt(call: Any, **kwargs: Any) -> None:
        # A world may ask for something the services refuse (a duplicate); that is part of the world.
        try:
            with transaction.atomic():
                call(actor=actor, **kwargs)
        except ValidationError:
            pass

    for a, b, kind in world.relationships:
        if a != b:
            attempt(relationship_add, person_a=people[a], person_b=people[b], kind=kind)
    for p, n in world.agency_ids:
        attempt(
            person_identifier_add, person=people[p], kind="agency_id", value=f"ID-{n}", issuing_agency=agency
        )
    for i, p in enumerate(world.upns):
        attempt(person_identifier_add, person=people[p], kind="upn", value=UPNS[i])
    for p, a in world.addresses:
        attempt(person_address_add, person=people[p], address=addresses[a])
    for p, h in world.households:
        attempt(household_member_add, household=households[h], person=people[p])
    for p in world.aliases:
        attempt(
            person_name_add, person=people[p], kind="alias", given_name="Alias", family_name="Propertyson"
        )
    for p in world.flags:
        attempt(
            risk_flag_add,
            person=people[p],
            kind=RiskFlagKind.MISSING,
            source_agency=agency,
            starts_on=today,
            review_on=today + timedelta(days=7),
        )
    return actor, people


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_merge_then_unmerge_restores_every_link(db: None, world: World) -> None:
    with transaction.atomic():
        actor, people = build(world)
        survivor, absorbed = people[0], people[1]
        before = snapshot()
        merge = person_merge(actor=actor, survivor=survivor, absorbed=absorbed, reason="Same child.")
        # While merged, nothing points at the absorbed record except what could not move.
        kept = {(c.model_label, c.object_id) for c in merge.changes.filter(action="kept")}
        for reference in person_references():
            for row in reference.model._default_manager.filter(**{reference.field: absorbed}):
                assert (reference.model._meta.label, str(row.pk)) in kept
        person_unmerge(actor=actor, merge=PersonMerge.objects.get(pk=merge.pk), reason="Two children.")
        after = snapshot()
        assert after == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(alphabet=st.sampled_from(" \t\n\r\u00a0"), max_size=5))
def test_nothing_merges_without_a_recorded_reason(db: None, reason: str) -> None:
    """Blank, whitespace-only or missing reasons are refused at the reason field; nothing is written."""
    with transaction.atomic():
        actor = UserFactory(role=Role.TEAM_MANAGER)
        survivor = indexed_person(actor=actor)
        absorbed = indexed_person(actor=actor)
        with pytest.raises(ValidationError) as error:
            person_merge(actor=actor, survivor=survivor, absorbed=absorbed, reason=reason)
        assert "reason" in error.value.message_dict
        assert not PersonMerge.objects.exists()
        absorbed.refresh_from_db()
        assert absorbed.merged_into_id is None
        transaction.set_rollback(True)
