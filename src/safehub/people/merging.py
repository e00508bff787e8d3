"""The person-reference registry: every foreign key to `Person` that a merge must move (issue 3, item 4).

A merge re-points each row that refers to the absorbed person at the survivor. People registers
its own references below; an app above people (casework, child protection...) registers its own in
`AppConfig.ready()`:

    register_person_reference(Involvement, "person")

A reference may come with a `prepare(row, survivor, absorbed)` function for rows that cannot simply
be moved. It returns `Keep("why")` to leave the row on the absorbed person (a relationship that would
become one with themselves, or a second copy of one the survivor already has), or a dict of the
field values the row should take (which may change more than the person field, e.g. a second
current UPN becomes a former UPN). Without it the row moves; if the database then refuses it (a
unique constraint: the survivor already lives at that address), it is kept on the absorbed person.
Either way the merge writes down exactly what it did, so unmerge puts it back.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from .constants import SYMMETRIC_RELATIONSHIPS, IdentifierKind, NameKind


@dataclass(frozen=True)
class Keep:
    """Leave this row on the absorbed person; `reason` is recorded with the merge."""

    reason: str


Prepare = Callable[[Any, Any, Any], "Keep | dict[str, Any]"]


@dataclass(frozen=True)
class PersonReference:
    model: type[models.Model]
    field: str
    prepare: Prepare | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


_registry: dict[tuple[str, str], PersonReference] = {}
_own_registered = False


def register_person_reference(
    model: type[models.Model], field: str, *, prepare: Prepare | None = None
) -> None:
    """Tell merges that `model.field` points at a person. Registering the same pair twice is harmless."""
    target = model._meta.get_field(field)
    if not isinstance(target, models.ForeignKey) or target.related_model._meta.label != "people.Person":
        raise TypeError(f"{model._meta.label}.{field} is not a foreign key to people.Person.")
    _registry[(model._meta.label, field)] = PersonReference(model=model, field=field, prepare=prepare)


def person_references() -> list[PersonReference]:
    """Every registered reference, people's own first, in a fixed order (so merges are repeatable)."""
    _register_own()
    return list(_registry.values())


# --- people's own references --------------------------------------------------------------------


def _name(row: Any, survivor: Any, absorbed: Any) -> "Keep | dict[str, Any]":
    # The survivor keeps its one current name; the absorbed record's becomes an alias on it.
    if row.kind == NameKind.CURRENT:
        return {"person": survivor.pk, "kind": NameKind.ALIAS}
    return {"person": survivor.pk}


def _identifier(row: Any, survivor: Any, absorbed: Any) -> "Keep | dict[str, Any]":
    from .models import PersonIdentifier

    if row.kind == IdentifierKind.UPN and row.removed_at is None:
        survivor_has_upn = PersonIdentifier.objects.filter(
            person=survivor, kind=IdentifierKind.UPN, removed_at__isnull=True
        ).exists()
        if survivor_has_upn:
            # A pupil has one current UPN: the absorbed record's becomes a former one, still matched on.
            return {"person": survivor.pk, "kind": IdentifierKind.FORMER_UPN}
    return {"person": survivor.pk}


def _disability(row: Any, survivor: Any, absorbed: Any) -> "Keep | dict[str, Any]":
    """A child's disabilities follow the CIN census rules on the survivor too: a code once (8794)
    and "No disability" never beside another code (8790). A row that would break one stays on the
    absorbed record, with the reason, for the reviewer to settle."""
    from .constants import DisabilityCode
    from .models import PersonDisability

    if row.removed_at is not None:
        return {"person": survivor.pk}
    held = set(
        PersonDisability.objects.filter(person=survivor, removed_at__isnull=True).values_list(
            "code", flat=True
        )
    )
    if row.code in held:
        return Keep("The survivor already has this disability recorded.")
    if row.code == DisabilityCode.NONE and held:
        return Keep('"No disability" cannot be recorded beside the survivor\'s disabilities.')
    if DisabilityCode.NONE in held:
        return Keep('The survivor has "No disability" recorded: this disability needs a decision.')
    return {"person": survivor.pk}


def _relationship_side(field: str) -> Prepare:
    other_field = "person_b" if field == "person_a" else "person_a"

    def prepare(row: Any, survivor: Any, absorbed: Any) -> "Keep | dict[str, Any]":
        from .models import Relationship

        other = getattr(row, f"{other_field}_id")
        if other == survivor.pk:
            return Keep("A relationship between the two merged records would be with the person themselves.")
        values = {field: survivor.pk, other_field: other}
        # Symmetric kinds store the lower id as A (services/relationship.py); keep that true.
        if row.kind in SYMMETRIC_RELATIONSHIPS and str(values["person_b"]) < str(values["person_a"]):
            values = {"person_a": values["person_b"], "person_b": values["person_a"]}
        if row.valid_to is None:
            same = Q(person_a=values["person_a"], person_b=values["person_b"])
            if row.kind not in SYMMETRIC_RELATIONSHIPS:
                same |= Q(person_a=values["person_b"], person_b=values["person_a"])
            duplicate = (
                Relationship.objects.filter(same, kind=row.kind, valid_to__isnull=True)
                .exclude(pk=row.pk)
                .exists()
            )
            if duplicate:
                return Keep("The survivor already has this relationship.")
        return values

    return prepare


def _register_own() -> None:
    global _own_registered
    if _own_registered:
        return
    from .models import (
        HouseholdMember,
        Person,
        PersonAddress,
        PersonDisability,
        PersonIdentifier,
        PersonName,
        Relationship,
        RiskFlag,
    )

    register_person_reference(PersonName, "person", prepare=_name)
    register_person_reference(PersonIdentifier, "person", prepare=_identifier)
    register_person_reference(PersonAddress, "person")
    register_person_reference(HouseholdMember, "person")
    register_person_reference(Relationship, "person_a", prepare=_relationship_side("person_a"))
    register_person_reference(Relationship, "person_b", prepare=_relationship_side("person_b"))
    register_person_reference(RiskFlag, "person")
    register_person_reference(PersonDisability, "person", prepare=_disability)
    # A record merged into the absorbed one earlier now points at the survivor.
    register_person_reference(Person, "merged_into")
    _own_registered = True
