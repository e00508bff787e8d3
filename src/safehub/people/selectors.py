"""Reads of people. Each starts from the policy's scope and writes its audit event first (R19, R27, R28)."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from .constants import SEARCH_RESULT_CAP
from .models import Person
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
