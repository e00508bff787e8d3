"""Relationships between two people, stored once per pair and read from either side."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from safehub.audit.constants import Verb

from ..constants import RELATIONSHIP_INVERSE, STORED_RELATIONSHIPS, SYMMETRIC_RELATIONSHIPS, RelationshipKind
from ..models import Person, Relationship
from ._common import audit, check_change, end_date, past_or_open, save_row
from .alerts import on_relationship_added

SECTION = "relationships"


def stored_direction(person_a: Person, person_b: Person, kind: str) -> tuple[Person, Person, str]:
    """ "B child of A" is stored as "A parent of B"; a symmetric pair puts the lower id first."""
    if kind not in RELATIONSHIP_INVERSE:
        raise ValidationError({"kind": "Choose a relationship from the list."})
    if kind not in STORED_RELATIONSHIPS:
        return person_b, person_a, RELATIONSHIP_INVERSE[kind]
    if kind in SYMMETRIC_RELATIONSHIPS and str(person_b.pk) < str(person_a.pk):
        return person_b, person_a, kind
    return person_a, person_b, kind


def relationship_add(
    *,
    actor: Any,
    person_a: Person,
    person_b: Person,
    kind: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    source_agency: Any = None,
) -> Relationship:
    """Record that `person_a` is `kind` of `person_b` (e.g. parent), whichever way round it is typed."""
    with transaction.atomic():
        check_change(actor, person_a, person_b)
        if person_a.pk == person_b.pk:
            raise ValidationError({"person_b": "A person cannot have a relationship with themselves."})
        past_or_open(valid_to, field="valid_to")
        a, b, stored = stored_direction(person_a, person_b, kind)
        if valid_to is None:
            _check_not_recorded(a, b, stored)
        relationship = Relationship(
            person_a=a,
            person_b=b,
            kind=stored,
            valid_from=valid_from,
            valid_to=valid_to,
            source_agency=source_agency,
        )
        save_row(relationship, actor=actor)
        audit(actor, Verb.CREATE, a, SECTION)
        audit(actor, Verb.CREATE, b, SECTION)
        on_relationship_added(actor=actor, relationship=relationship)
    return relationship


def relationship_end(*, actor: Any, relationship: Relationship, valid_to: date | None = None) -> Relationship:
    with transaction.atomic():
        check_change(actor, relationship.person_a, relationship.person_b)
        if relationship.valid_to is not None:
            raise ValidationError({"valid_to": "This relationship has already been ended."})
        relationship.valid_to = end_date(valid_to, field="valid_to")
        save_row(relationship, actor=actor)
        audit(actor, Verb.UPDATE, relationship.person_a, SECTION)
        audit(actor, Verb.UPDATE, relationship.person_b, SECTION)
    return relationship


def _check_not_recorded(a: Person, b: Person, kind: str) -> None:
    """The same current relationship once; and not A parent of B while B is recorded as A's parent."""
    same = Q(person_a=a, person_b=b)
    if kind not in SYMMETRIC_RELATIONSHIPS:
        same |= Q(person_a=b, person_b=a)
    if Relationship.objects.filter(same, kind=kind, valid_to__isnull=True).exists():
        label = RelationshipKind(kind).label.lower()
        raise ValidationError(
            {"kind": f"A current {label} relationship between these two people is already recorded."}
        )
