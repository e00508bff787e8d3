"""Identifiers: national numbers (one holder in the index) and each agency's own references."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.platform import clock

from ..constants import AGENCY_IDENTIFIER_KINDS, NATIONAL_IDENTIFIER_KINDS, IdentifierKind
from ..models import Person, PersonIdentifier
from ..models.identifier import normalise_identifier
from ._common import audit, check_change, save_row
from .match_keys import person_refresh_match_keys

SECTION = "identifiers"
_NHS_ON_PERSON = "The NHS number is changed on the person's details."


def person_identifier_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    value: str,
    issuing_agency: Any = None,
    valid: bool = True,
) -> PersonIdentifier:
    """Add an identifier. A new UPN turns the person's current one into a former UPN."""
    with transaction.atomic():
        check_change(actor, person)
        if kind == IdentifierKind.NHS_NUMBER:
            raise ValidationError({"kind": _NHS_ON_PERSON})
        identifier = PersonIdentifier(
            person=person, kind=kind, value=value, issuing_agency=issuing_agency, valid=valid
        )
        _check_value_free(identifier)
        if kind == IdentifierKind.UPN:
            for current in _active(person, IdentifierKind.UPN):
                current.kind = IdentifierKind.FORMER_UPN
                save_row(current, actor=actor)
        save_row(identifier, actor=actor)
        person_refresh_match_keys(person)
        audit(actor, Verb.CREATE, person, SECTION)
    return identifier


def person_identifier_remove(*, actor: Any, identifier: PersonIdentifier, reason: str) -> PersonIdentifier:
    """Withdraw an identifier recorded in error or no longer held; it stays on the record, marked removed."""
    with transaction.atomic():
        check_change(actor, identifier.person)
        if identifier.kind == IdentifierKind.NHS_NUMBER:
            raise ValidationError({"kind": _NHS_ON_PERSON})
        if identifier.removed_at is not None:
            raise ValidationError({"removed_reason": "This identifier has already been removed."})
        if not reason.strip():
            raise ValidationError({"removed_reason": "Say why the identifier is being removed."})
        identifier.removed_at = clock.now()
        identifier.removed_reason = reason.strip()
        save_row(identifier, actor=actor)
        person_refresh_match_keys(identifier.person)
        audit(actor, Verb.UPDATE, identifier.person, SECTION, reason=identifier.removed_reason)
    return identifier


def sync_nhs_number(*, actor: Any, person: Person) -> None:
    """Keep one active `nhs_number` identifier equal to `Person.nhs_number` (or none when it is blank)."""
    keep = None
    for current in _active(person, IdentifierKind.NHS_NUMBER):
        if current.value == person.nhs_number and keep is None:
            keep = current
            continue
        current.removed_at = clock.now()
        current.removed_reason = "Replaced on the person's details."
        save_row(current, actor=actor)
    if person.nhs_number and keep is None:
        identifier = PersonIdentifier(person=person, kind=IdentifierKind.NHS_NUMBER, value=person.nhs_number)
        try:
            _check_value_free(identifier)
        except ValidationError as error:
            raise ValidationError({"nhs_number": error.message_dict["value"]}) from error
        save_row(identifier, actor=actor)


def _active(person: Person, kind: str) -> list[PersonIdentifier]:
    # Not the model's ordering: "person" sorts by the person's name, which joins people_person, and
    # with that join SQLite (without fresh ANALYZE statistics, as after a bulk import) reads the
    # (kind, value) index by kind alone: every NHS number in the index, 2 s a call at 1M people.
    rows = PersonIdentifier.objects.filter(person=person, kind=kind, removed_at__isnull=True)
    return list(rows.order_by("created_at", "pk"))


def _check_value_free(identifier: PersonIdentifier) -> None:
    """Refuse, at the value field, an identifier someone already holds, before the database would."""
    try:
        identifier.value = normalise_identifier(identifier.kind, identifier.value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from error
    holders = PersonIdentifier.objects.filter(
        kind=identifier.kind, value=identifier.value, removed_at__isnull=True
    )
    if identifier.kind in AGENCY_IDENTIFIER_KINDS:
        if identifier.issuing_agency_id is None:
            raise ValidationError({"issuing_agency": "Say which agency issued this identifier."})
        holders = holders.filter(issuing_agency_id=identifier.issuing_agency_id)
    elif identifier.kind not in NATIONAL_IDENTIFIER_KINDS:
        holders = holders.filter(person=identifier.person)
    holder = holders.values_list("person_id", flat=True).first()
    if holder is None:
        return
    if holder == identifier.person_id:
        raise ValidationError({"value": "This person already has this identifier."})
    raise ValidationError({"value": "Another person already holds this identifier."})
