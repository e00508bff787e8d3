"""Writes of people: one transaction, policy check, validation, audit in the same transaction."""

from typing import Any

from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import PermissionRefused
from safehub.platform.locking import save_versioned

from ..models import Person
from ..policies import person_policy

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "nhs_number",
)


def person_create(*, actor: Any, **fields: Any) -> Person:
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        person = Person(updated_by=actor, **fields)
        person.full_clean()
        person.save()
        record_event(actor=actor, verb=Verb.CREATE, target=person)
    return person


def person_update(*, actor: Any, person: Person, expected_version: int, **fields: Any) -> Person:
    """Change a person's details; ConflictError if someone saved since `expected_version` (R49)."""
    person_policy.check(actor, "change", person)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(person, name, value)
        save_versioned(person, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=person, section=",".join(sorted(fields)))
    return person
