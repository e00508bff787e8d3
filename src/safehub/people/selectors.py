"""Reads of people. Each starts from the policy's scope and writes its audit event first (R19, R27, R28)."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from .constants import SEARCH_RESULT_CAP, RelationshipKind
from .models import Person, Relationship
from .policies import person_policy


def person_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", purpose: str = "") -> Person:
    """One person, or NotFoundOrForbidden. The view is audited before the caller sees anything."""
    person = person_policy.scope(actor, Person.objects.all(), action).filter(pk=id).first()
    if person is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=person, purpose=purpose)
    return person


@dataclass(frozen=True)
class PersonSearch:
    """A search needs a family name with a date of birth or a given name, or an NHS number (R45)."""

    family_name: str = ""
    given_name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""

    def is_specific_enough(self) -> bool:
        if self.nhs_number:
            return True
        return bool(self.family_name and (self.date_of_birth or self.given_name))


@dataclass(frozen=True)
class SearchResult:
    people: list[Person]
    truncated: bool


def person_search(*, actor: Any, criteria: PersonSearch) -> SearchResult:
    if not criteria.is_specific_enough():
        raise ValueError("A search needs a family name and a given name or date of birth, or an NHS number.")
    qs: QuerySet[Person] = person_policy.scope(actor, Person.objects.all())
    if criteria.nhs_number:
        qs = qs.filter(nhs_number=criteria.nhs_number)
    if criteria.family_name:
        qs = qs.filter(family_name__iexact=criteria.family_name.strip())
    if criteria.given_name:
        qs = qs.filter(given_name__istartswith=criteria.given_name.strip())
    if criteria.date_of_birth:
        qs = qs.filter(date_of_birth=criteria.date_of_birth)
    people = list(qs.order_by("family_name", "given_name", "date_of_birth")[: SEARCH_RESULT_CAP + 1])
    truncated = len(people) > SEARCH_RESULT_CAP
    people = people[:SEARCH_RESULT_CAP]
    record_event(actor=actor, verb=Verb.LIST, object_type="people.person", result_ids=[p.pk for p in people])
    return SearchResult(people=people, truncated=truncated)


@dataclass(frozen=True)
class RelationshipSide:
    """One relationship read from `person`'s side: `person` is `kind` of `other` ("child of A")."""

    relationship: Relationship
    person: Person
    other: Person
    kind: str

    @property
    def label(self) -> str:
        return f"{RelationshipKind(self.kind).label} of {self.other}"

    @property
    def is_current(self) -> bool:
        return self.relationship.valid_to is None


def relationships_for(*, actor: Any, person: Person, purpose: str = "") -> list[RelationshipSide]:
    """The person's relationships from their side; people the actor may not see are left out (R22)."""
    person_policy.check(actor, "view", person)
    sides = relationship_sides(actor=actor, person=person)
    record_event(actor=actor, verb=Verb.VIEW, target=person, section="relationships", purpose=purpose)
    return sides


def relationship_sides(*, actor: Any, person: Person) -> list[RelationshipSide]:
    """Each relationship read from this person's side, people the actor may not see left out (R22).

    Neither checks nor audits: for callers that already did both for the person (the person page
    audits one view of the whole record); everyone else uses `relationships_for`.
    """
    visible = person_policy.scope(actor, Person.objects.all()).values("pk")
    rows = (
        Relationship.objects.filter(
            Q(person_a=person, person_b__in=visible) | Q(person_b=person, person_a__in=visible)
        )
        .select_related("person_a", "person_b", "source_agency")
        .order_by("valid_to", "kind")
    )
    sides = [
        RelationshipSide(
            relationship=row,
            person=person,
            other=row.person_b if row.person_a_id == person.pk else row.person_a,
            kind=row.kind_for(person.pk),
        )
        for row in rows
    ]
    sides.sort(key=lambda side: (not side.is_current, side.kind, str(side.other)))
    return sides
