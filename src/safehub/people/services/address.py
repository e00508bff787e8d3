"""Addresses over time and households."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import PermissionRefused

from ..constants import AddressKind
from ..models import Address, Household, HouseholdMember, Person, PersonAddress
from ._common import audit, check_change, end_date, past_or_open, save_row
from .alerts import on_address_added, on_household_member_added
from .match_keys import person_refresh_match_keys

ADDRESSES = "addresses"
HOUSEHOLDS = "households"


def person_address_add(
    *,
    actor: Any,
    person: Person,
    address: Address | None = None,
    kind: str = AddressKind.HOME,
    valid_from: date | None = None,
    valid_to: date | None = None,
    source_agency: Any = None,
    **address_fields: str,
) -> PersonAddress:
    """Record that a person lives (or lived) at an address: an existing `address`, or a new one
    from `line_1`, `line_2`, `line_3`, `town`, `postcode`, `uprn`."""
    with transaction.atomic():
        check_change(actor, person)
        past_or_open(valid_to, field="valid_to")
        if address is None:
            address = _new_address(actor, address_fields)
        elif address_fields:
            raise TypeError("Give an existing address or the lines of a new one, not both.")
        current_there = PersonAddress.objects.filter(
            person=person, address=address, kind=kind, valid_to__isnull=True
        )
        if valid_to is None and current_there.exists():
            raise ValidationError({"address": "This person is already recorded at this address."})
        lived_at = PersonAddress(
            person=person,
            address=address,
            kind=kind,
            valid_from=valid_from,
            valid_to=valid_to,
            source_agency=source_agency,
        )
        save_row(lived_at, actor=actor)
        person_refresh_match_keys(person)
        audit(actor, Verb.CREATE, person, ADDRESSES)
        on_address_added(actor=actor, lived_at=lived_at)
    return lived_at


def person_address_end(
    *, actor: Any, person_address: PersonAddress, valid_to: date | None = None
) -> PersonAddress:
    """The person no longer lives there from `valid_to` (today by default)."""
    with transaction.atomic():
        check_change(actor, person_address.person)
        if person_address.valid_to is not None:
            raise ValidationError({"valid_to": "This address has already been ended."})
        person_address.valid_to = end_date(valid_to, field="valid_to")
        save_row(person_address, actor=actor)
        person_refresh_match_keys(person_address.person)
        audit(actor, Verb.UPDATE, person_address.person, ADDRESSES)
    return person_address


def household_create(*, actor: Any, address: Address, description: str = "") -> Household:
    """A household has no person yet, so the function check stands in for the record check."""
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    with transaction.atomic():
        household = Household(address=address, description=description.strip())
        save_row(household, actor=actor)
        record_event(actor=actor, verb=Verb.CREATE, target=household)
    return household


def household_member_add(
    *, actor: Any, household: Household, person: Person, valid_from: date | None = None
) -> HouseholdMember:
    with transaction.atomic():
        check_change(actor, person)
        if HouseholdMember.objects.filter(household=household, person=person, valid_to__isnull=True).exists():
            raise ValidationError({"person": "This person is already a member of this household."})
        member = HouseholdMember(household=household, person=person, valid_from=valid_from)
        save_row(member, actor=actor)
        audit(actor, Verb.CREATE, person, HOUSEHOLDS)
        on_household_member_added(actor=actor, member=member)
    return member


def household_member_end(
    *, actor: Any, member: HouseholdMember, valid_to: date | None = None
) -> HouseholdMember:
    with transaction.atomic():
        check_change(actor, member.person)
        if member.valid_to is not None:
            raise ValidationError({"valid_to": "This person has already left this household."})
        member.valid_to = end_date(valid_to, field="valid_to")
        save_row(member, actor=actor)
        audit(actor, Verb.UPDATE, member.person, HOUSEHOLDS)
    return member


def _new_address(actor: Any, fields: dict[str, str]) -> Address:
    allowed = {"line_1", "line_2", "line_3", "town", "postcode", "uprn"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not address fields: {', '.join(sorted(unknown))}")
    address = Address(**{name: (value or "").strip() for name, value in fields.items()})
    save_row(address, actor=actor)
    return address
