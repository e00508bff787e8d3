"""Writes of people: one transaction, policy check, validation, audit in the same transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import PermissionRefused
from safehub.platform.locking import save_versioned

from .. import identifiers
from ..models import Person
from ..policies import person_policy
from .identifier import sync_nhs_number
from .match_keys import person_refresh_match_keys
from .names import sync_current_name

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "nhs_number",
    "gender",
    "ethnicity",
    "date_of_death",
)


def person_create(*, actor: Any, **fields: Any) -> Person:
    """Record a person, with their current name row, NHS number identifier and match keys."""
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    _check_editable(fields)
    with transaction.atomic():
        person = Person(updated_by=actor, **_normalised(fields))
        person.full_clean()
        person.save()
        sync_current_name(actor=actor, person=person, old=None)
        sync_nhs_number(actor=actor, person=person)
        person_refresh_match_keys(person)
        record_event(actor=actor, verb=Verb.CREATE, target=person)
    return person


def person_update(*, actor: Any, person: Person, expected_version: int, **fields: Any) -> Person:
    """Change a person's details; ConflictError if someone saved since `expected_version` (R49).

    A changed name keeps the old one as a `previous` name; a changed NHS number retires the old
    identifier; the match keys follow.
    """
    person_policy.check(actor, "change", person)
    _check_editable(fields)
    with transaction.atomic():
        old_name = (person.given_name, person.family_name)
        for name, value in _normalised(fields).items():
            setattr(person, name, value)
        save_versioned(person, expected_version=expected_version, actor=actor)
        sync_current_name(actor=actor, person=person, old=old_name)
        sync_nhs_number(actor=actor, person=person)
        person_refresh_match_keys(person)
        record_event(actor=actor, verb=Verb.UPDATE, target=person, section=",".join(sorted(fields)))
    return person


def _check_editable(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """ "943 476 5919" is stored as 9434765919. An invalid number is left for `full_clean` to refuse
    at the field, together with every other error on the form."""
    number = fields.get("nhs_number")
    if not number:
        return fields
    try:
        return {**fields, "nhs_number": identifiers.validate_nhs_number(number)}
    except ValidationError:
        return fields
