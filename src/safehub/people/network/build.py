"""Assemble a person's family network: relationships to two degrees, their households, their flags.

Everything comes through the same reads as the person page: `relationships_for` (which leaves out
people the viewer may not see) and the person policy's scope for household members. A restricted
or sealed person the viewer may not open is therefore absent from the people, the links, the
households and every count on the page (R22, T3): no node, no "1 hidden", no gap.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock

from ..constants import RelationshipKind, Sex
from ..models import Household, HouseholdMember, Person, Relationship
from ..policies import person_policy
from ..selectors import RelationshipSide, relationships_for
from ..services.alerts import is_child
from .flags import current_flags_by_person

# A network page stays readable (and its reads bounded) with this many people; past it, the page
# says it is showing part of the network and the person pages hold the rest.
NETWORK_CAP = 40
MAX_DEGREE = 2
MIN_GENERATION, MAX_GENERATION = -2, 2

_K = RelationshipKind
# The generation of the person who *is* `kind`, relative to the other person: a parent is one
# generation above (-1) the child.
_GENERATION_STEP: dict[str, int] = {
    _K.PARENT: -1,
    _K.STEP_PARENT: -1,
    _K.CARER: -1,
    _K.GRANDPARENT: -2,
    _K.CHILD: 1,
    _K.STEP_CHILD: 1,
    _K.CARED_FOR: 1,
    _K.GRANDCHILD: 2,
}

GENERATION_LABELS = {
    -2: "Grandparents",
    -1: "Parents and carers",
    0: "Same generation",
    1: "Children",
    2: "Grandchildren",
}


@dataclass
class NetworkPerson:
    person: Person
    generation: int
    degree: int
    is_focus: bool = False
    in_household: bool = False
    flags: list[str] = field(default_factory=list)

    @property
    def is_unborn(self) -> bool:
        return self.person.date_of_birth is None and (
            self.person.expected_date_of_birth is not None or self.person.sex == Sex.UNBORN
        )

    @property
    def is_deceased(self) -> bool:
        return self.person.date_of_death is not None

    @property
    def generation_label(self) -> str:
        return GENERATION_LABELS[self.generation]


@dataclass(frozen=True)
class NetworkLink:
    """One stored relationship, read from both sides."""

    relationship: Relationship
    a: Person
    b: Person

    @property
    def kind(self) -> str:
        return self.relationship.kind

    @property
    def is_current(self) -> bool:
        return self.relationship.valid_to is None

    @property
    def a_label(self) -> str:
        return (
            f"{self.a} is {RelationshipKind(self.relationship.kind_for(self.a.pk)).label.lower()} of {self.b}"
        )

    @property
    def b_label(self) -> str:
        return (
            f"{self.b} is {RelationshipKind(self.relationship.kind_for(self.b.pk)).label.lower()} of {self.a}"
        )


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    members: list[HouseholdMember]
    is_current: bool


@dataclass
class FamilyNetwork:
    focus: Person
    people: list[NetworkPerson]
    links: list[NetworkLink]
    households: list[HouseholdRow]
    capped: bool
    limit: int

    def by_id(self) -> dict[Any, NetworkPerson]:
        return {node.person.pk: node for node in self.people}


def _sorted_sides(sides: list[RelationshipSide]) -> list[RelationshipSide]:
    """Current first, then by kind and name, with the id as the last tie-break (stable layouts)."""
    return sorted(
        sides,
        key=lambda s: (not s.is_current, s.kind, s.other.family_name, s.other.given_name, str(s.other.pk)),
    )


def _sides_for(actor: Any, people: list[Person], *, first: bool) -> dict[Any, list[RelationshipSide]]:
    """Each person's relationships, read from their side, leaving out people the actor may not see.

    The focus person's own links go through `relationships_for`, the funnel the person page uses.
    The next degree is read in one query with the same rule (both people inside the person
    policy's scope), rather than one `relationships_for` call, policy check and audit row per
    relative; the network's own audit event lists every person shown.
    """
    if first:
        [focus] = people
        return {focus.pk: relationships_for(actor=actor, person=focus, purpose="family network")}
    ids = [p.pk for p in people]
    if not ids:
        return {}
    visible = person_policy.scope(actor, Person.objects.all()).values("pk")
    rows = (
        Relationship.objects.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids))
        .filter(person_a__in=visible, person_b__in=visible)
        .select_related("person_a", "person_b")
    )
    wanted = set(ids)
    sides: dict[Any, list[RelationshipSide]] = {}
    for row in rows:
        for me, other in ((row.person_a, row.person_b), (row.person_b, row.person_a)):
            if me.pk in wanted:
                side = RelationshipSide(relationship=row, person=me, other=other, kind=row.kind_for(me.pk))
                sides.setdefault(me.pk, []).append(side)
    return sides


def _clamp(generation: int) -> int:
    return max(MIN_GENERATION, min(MAX_GENERATION, generation))


def family_network(
    *, actor: Any, person: Person, limit: int = NETWORK_CAP, today: date | None = None
) -> FamilyNetwork:
    """The network around `person` as `actor` may see it; audited (the focus person's
    relationships, and the network view itself with the ids of everyone shown)."""
    person_policy.check(actor, "view", person)
    today = today or clock.today()
    nodes: dict[Any, NetworkPerson] = {person.pk: NetworkPerson(person, 0, 0, is_focus=True)}
    relationships: dict[Any, Relationship] = {}
    capped = False

    frontier = [person]
    for degree in range(1, MAX_DEGREE + 1):
        reached: list[Person] = []
        sides = _sides_for(actor, frontier, first=degree == 1)
        for source in frontier:
            for side in _sorted_sides(sides.get(source.pk, [])):
                other = side.other
                if other.pk not in nodes:
                    if len(nodes) >= limit:
                        capped = True
                        continue
                    generation = nodes[source.pk].generation - _GENERATION_STEP.get(side.kind, 0)
                    nodes[other.pk] = NetworkPerson(other, _clamp(generation), degree)
                    reached.append(other)
                relationships.setdefault(side.relationship.pk, side.relationship)
        frontier = reached

    households, capped = _households(actor, person, nodes, limit, today, capped)
    flags = current_flags_by_person(actor, nodes.keys(), today)
    for node in nodes.values():
        node.flags = sorted({flag.get_kind_display() for flag in flags.get(node.person.pk, [])})

    links = [
        NetworkLink(row, row.person_a, row.person_b)
        for row in sorted(relationships.values(), key=_link_order)
        if row.person_a_id in nodes and row.person_b_id in nodes
    ]
    people = sorted(nodes.values(), key=lambda n: (n.generation, n.degree, _birth_key(n.person)))
    record_event(
        actor=actor,
        verb=Verb.VIEW,
        target=person,
        section="family_network",
        result_ids=[n.person.pk for n in people],
    )
    return FamilyNetwork(person, people, links, households, capped, limit)


def _link_order(row: Relationship) -> tuple[bool, str, str, str, str, str, str]:
    """Current before ended, then by kind and the two names, the id breaking ties."""
    a, b = row.person_a, row.person_b
    return (
        row.valid_to is not None,
        row.kind,
        a.family_name,
        a.given_name,
        b.family_name,
        b.given_name,
        str(row.pk),
    )


def _birth_key(person: Person) -> tuple[date, str, str, str]:
    born = person.date_of_birth or person.expected_date_of_birth or date.max
    return (born, person.family_name, person.given_name, str(person.pk))


def _households(
    actor: Any, focus: Person, nodes: dict[Any, NetworkPerson], limit: int, today: date, capped: bool
) -> tuple[list[HouseholdRow], bool]:
    """The focus person's households, present and past, with the members the actor may see.

    Members not related by a recorded relationship join the network as first-degree people, in
    the focus person's generation if they are of the same kind (both children or both adults).
    """
    visible = person_policy.scope(actor, Person.objects.all()).values("pk")
    own = HouseholdMember.objects.filter(person=focus).select_related("household", "household__address")
    rows: list[HouseholdRow] = []
    focus_is_child = is_child(focus, today)
    for membership in own.order_by("valid_to", "-valid_from", "household_id"):
        members = list(
            HouseholdMember.objects.filter(household=membership.household, person__in=visible)
            .select_related("person")
            .order_by("valid_to", "person__family_name", "person__given_name", "person_id")
        )
        current = membership.valid_to is None
        rows.append(HouseholdRow(membership.household, members, current))
        for member in members:
            if member.person_id not in nodes:
                if len(nodes) >= limit:
                    capped = True
                    continue
                same_kind = is_child(member.person, today) == focus_is_child
                generation = 0 if same_kind else (1 if focus_is_child is False else -1)
                nodes[member.person_id] = NetworkPerson(member.person, generation, 1)
            if current and member.valid_to is None and member.person_id != focus.pk:
                nodes[member.person_id].in_household = True
    return rows, capped
