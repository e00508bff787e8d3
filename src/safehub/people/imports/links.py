"""Addresses, UPNs and disabilities for people already in the index, a batch at a time (the SSD import).

`person_address_add` and `person_identifier_add` cost a policy check, a validated save, a match-key
refresh and an audit event per row: on a 50,000-child SSD extract (about 100,000 address and UPN
rows) that was two thirds of the import's time. Here a batch is checked against the person policy
in one read, written with one INSERT per table (with the history rows simple-history would write,
see `bulk`), its people's match keys are refreshed together and one audit event names every
person changed. The rules the row services keep hold here too:

- each address and residence is validated by the model's own field checks and `clean` (postcode
  form, UPRN digits, the period's order) and an end date cannot be in the future;
- a UPN is normalised and checked as `_check_value_free` does (one holder in the index), and a
  person who already holds a current UPN goes through `person_identifier_add`, which makes the
  old one former: that is rare, and keeps the one place that rule lives;
- a new current address of an adult with a "risk to children" flag still goes through the alert
  check (`on_address_added`);
- a disability code is on the list, once per person (8794) and "No disability" never beside
  another code (8790), with the disability service's own words.

Each item is answered on its own: the new row's id, or the error that refused it (as the row
service would have raised it), so the caller can report every refused row at its field.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ..constants import DisabilityCode, IdentifierKind
from ..models import Address, Person, PersonAddress, PersonDisability, PersonIdentifier, RiskFlag
from ..models.identifier import normalise_identifier
from ..policies import person_policy
from ..services import person_identifier_add
from ..services.alerts import RISK_TO_CHILDREN_FLAG_KINDS, on_address_added
from ..services.disability import NONE_WITH_OTHERS, OTHERS_WITH_NONE
from ..services.match_keys import people_refresh_match_keys
from . import bulk

_ADDRESS_FIELDS = ("line_1", "line_2", "line_3", "town", "postcode", "uprn")


@dataclass(frozen=True)
class NewAddress:
    """One person at a new address for a period (the lines of `person_address_add`)."""

    person_id: Any
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None
    line_1: str = ""
    line_2: str = ""
    line_3: str = ""
    town: str = ""
    postcode: str = ""
    uprn: str = ""
    source_agency_id: Any = None


@dataclass(frozen=True)
class NewUpn:
    person_id: Any
    value: str
    issuing_agency_id: Any = None


@dataclass(frozen=True)
class NewDisability:
    person_id: Any
    code: str
    recorded_on: date | None = None


# Each item's answer: the new row's primary key, or the error that refused it.
Outcome = Any | Exception


def people_addresses_add(*, actor: Any, items: Sequence[NewAddress], reason: str) -> list[Outcome]:
    """Record each item's person at a new address of their own (as `person_address_add` without
    `address=` does), all in one transaction."""
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    outcomes: list[Outcome] = [None] * len(items)
    allowed = _changeable(actor, [item.person_id for item in items])
    today = clock.today()
    addresses: list[dict[str, Any]] = []
    residences: list[dict[str, Any]] = []
    fresh = iter(bulk.new_ids(2 * len(items)))
    user = _hex(actor.pk)
    for index, item in enumerate(items):
        if item.person_id not in allowed:
            outcomes[index] = NotFoundOrForbidden()
            continue
        try:
            address_row, residence_row = _checked_address(item, today)
        except ValidationError as error:
            outcomes[index] = error
            continue
        address_id, residence_id = next(fresh), next(fresh)
        addresses.append({"id": address_id, **address_row, "updated_by_id": user})
        residences.append(
            {
                "id": residence_id,
                "person_id": _hex(item.person_id),
                "address_id": address_id,
                **residence_row,
                "source_agency_id": _hex(item.source_agency_id),
                "updated_by_id": user,
            }
        )
        outcomes[index] = residence_id
    if not residences:
        return outcomes
    written = [item.person_id for item, outcome in zip(items, outcomes, strict=True) if _is_id(outcome)]
    now = clock.now()
    with transaction.atomic():
        bulk.insert(Address, addresses, now=now, history_user_id=user, history_reason=reason)
        bulk.insert(PersonAddress, residences, now=now, history_user_id=user, history_reason=reason)
        people_refresh_match_keys(written)
        _alert_checks(actor, items, outcomes)
        _audit(actor, written, "addresses", reason)
    return [_as_uuid(outcome) for outcome in outcomes]


def people_upns_add(*, actor: Any, items: Sequence[NewUpn], reason: str) -> list[Outcome]:
    """Give each item's person a UPN (as `person_identifier_add` does), in one transaction. A
    person's row that already holds the same current or former UPN is answered with that row."""
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    outcomes: list[Outcome] = [None] * len(items)
    allowed = _changeable(actor, [item.person_id for item in items])
    values: list[str | None] = []
    for index, item in enumerate(items):
        try:
            values.append(normalise_identifier(IdentifierKind.UPN, item.value))
        except ValidationError as error:
            outcomes[index] = ValidationError({"value": error.messages})
            values.append(None)
    people = [_hex(item.person_id) for item in items]
    holders = _upn_holders([value for value in values if value])
    current: set[str] = set()
    candidates = list(allowed)
    for start in range(0, len(candidates), 500):
        current.update(
            _hex(pid)
            for pid in PersonIdentifier.objects.filter(
                person_id__in=candidates[start : start + 500],
                kind=IdentifierKind.UPN,
                removed_at__isnull=True,
            ).values_list("person_id", flat=True)
        )
    fresh = iter(bulk.new_ids(len(items)))
    rows: list[dict[str, Any]] = []
    slow: list[int] = []
    user = _hex(actor.pk)
    for index, (item, value) in enumerate(zip(items, values, strict=True)):
        if value is None:
            continue
        if item.person_id not in allowed:
            outcomes[index] = NotFoundOrForbidden()
            continue
        holder = holders.get(value)
        if holder is not None and holder[0] == people[index]:
            outcomes[index] = holder[1]  # already theirs (current or former): nothing to write
            continue
        if holder is not None:
            outcomes[index] = ValidationError({"value": "Another person already holds this identifier."})
            continue
        if people[index] in current:
            slow.append(index)  # the old UPN becomes former: the row service does that
            continue
        row_id = next(fresh)
        rows.append(
            {
                "id": row_id,
                "person_id": people[index],
                "kind": IdentifierKind.UPN,
                "value": value,
                "issuing_agency_id": _hex(item.issuing_agency_id),
                "updated_by_id": user,
            }
        )
        holders[value] = (people[index], row_id)
        current.add(people[index])
        outcomes[index] = row_id
    new_ids = {row["id"] for row in rows}
    written = [items[index].person_id for index, outcome in enumerate(outcomes) if outcome in new_ids]
    with transaction.atomic():
        bulk.insert(PersonIdentifier, rows, now=clock.now(), history_user_id=user, history_reason=reason)
        people_refresh_match_keys(written)
        if written:
            _audit(actor, written, "identifiers", reason)
        for index in slow:
            outcomes[index] = _one_upn(actor, items[index], values[index] or "")
    return [_as_uuid(outcome) for outcome in outcomes]


def people_disabilities_add(*, actor: Any, items: Sequence[NewDisability], reason: str) -> list[Outcome]:
    """Record each item's disability code (as `person_disability_add` does), in one transaction. A
    code the person already has current is refused as that service refuses it (8794)."""
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    outcomes: list[Outcome] = [None] * len(items)
    allowed = _changeable(actor, [item.person_id for item in items])
    current: dict[str, dict[str, Any]] = {}  # person -> code -> row id
    candidates = [_hex(pid) for pid in allowed]
    for start in range(0, len(candidates), 500):
        rows = PersonDisability.objects.filter(
            person_id__in=candidates[start : start + 500], removed_at__isnull=True
        ).values_list("person_id", "code", "id")
        for person_id, code, row_id in rows:
            current.setdefault(_hex(person_id), {})[code] = row_id
    today = clock.today()
    fresh = iter(bulk.new_ids(len(items)))
    rows_to_write: list[dict[str, Any]] = []
    user = _hex(actor.pk)
    for index, item in enumerate(items):
        person = _hex(item.person_id)
        codes = current.setdefault(person, {})
        if item.person_id not in allowed:
            outcomes[index] = NotFoundOrForbidden()
        elif item.code not in DisabilityCode.values:
            outcomes[index] = ValidationError({"code": "Choose a disability from the list."})
        elif item.recorded_on is not None and item.recorded_on > today:
            outcomes[index] = ValidationError({"recorded_on": "The date recorded cannot be in the future."})
        elif item.code in codes:
            outcomes[index] = ValidationError(
                {"code": "This disability is already recorded for this person."}
            )
        elif item.code == DisabilityCode.NONE and codes:
            outcomes[index] = ValidationError({"code": NONE_WITH_OTHERS})
        elif DisabilityCode.NONE in codes:
            outcomes[index] = ValidationError({"code": OTHERS_WITH_NONE})
        else:
            new_id = next(fresh)
            rows_to_write.append(
                {
                    "id": new_id,
                    "person_id": person,
                    "code": item.code,
                    "recorded_on": item.recorded_on,
                    "updated_by_id": user,
                }
            )
            codes[item.code] = new_id
            outcomes[index] = new_id
    if rows_to_write:
        with transaction.atomic():
            bulk.insert(
                PersonDisability, rows_to_write, now=clock.now(), history_user_id=user, history_reason=reason
            )
            _audit(actor, sorted({row["person_id"] for row in rows_to_write}), "disabilities", reason)
    return [_as_uuid(outcome) for outcome in outcomes]


def _changeable(actor: Any, person_ids: Sequence[Any]) -> set[Any]:
    """The ids (as given) of the people the actor may change: one read per chunk, restrictions
    honoured (R19), merged-away records refused as the row services refuse them."""
    wanted = list(dict.fromkeys(person_ids))
    allowed: set[Any] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        # `scope` (what `visible` answers for a short list) as ids: `visible` builds a Person per
        # row, and here a chunk is 500 people, not a search's few candidates.
        scoped = person_policy.scope(actor, Person.objects.filter(pk__in=chunk).order_by(), "change")
        found = {_hex(pk) for pk in scoped.values_list("pk", flat=True)}
        allowed.update(pid for pid in chunk if _hex(pid) in found)
    return allowed


def _checked_address(item: NewAddress, today: date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The address and residence columns, validated as `save_row` would (fields and `clean`)."""
    if item.valid_to is not None and item.valid_to > today:
        raise ValidationError({"valid_to": "The end date cannot be in the future."})
    address = Address(**{name: (getattr(item, name) or "").strip() for name in _ADDRESS_FIELDS})
    address.clean_fields(exclude=["updated_by"])
    address.clean()
    residence = PersonAddress(kind=item.kind, valid_from=item.valid_from, valid_to=item.valid_to)
    residence.clean_fields(exclude=["person", "address", "updated_by", "source_agency"])
    residence.clean()
    return (
        {name: getattr(address, name) for name in _ADDRESS_FIELDS},
        {"kind": residence.kind, "valid_from": residence.valid_from, "valid_to": residence.valid_to},
    )


def _upn_holders(values: list[str]) -> dict[str, tuple[str, Any]]:
    """Each UPN already held (current or former, not withdrawn) -> (its holder, the row's id)."""
    found: dict[str, tuple[str, Any]] = {}
    for start in range(0, len(values), 500):
        rows = PersonIdentifier.objects.filter(
            kind__in=[IdentifierKind.UPN, IdentifierKind.FORMER_UPN],
            value__in=values[start : start + 500],
            removed_at__isnull=True,
        ).order_by("created_at")
        for person_id, value, row_id in rows.values_list("person_id", "value", "id"):
            found.setdefault(value, (_hex(person_id), row_id))
    return found


def _one_upn(actor: Any, item: NewUpn, value: str) -> Outcome:
    try:
        with transaction.atomic():
            return person_identifier_add(
                actor=actor,
                person=Person.objects.get(pk=item.person_id),
                kind=IdentifierKind.UPN,
                value=value,
                issuing_agency=item.issuing_agency_id and _agency(item.issuing_agency_id),
            ).pk
    except (ValidationError, NotFoundOrForbidden, PermissionRefused) as error:
        return error


def _agency(agency_id: Any) -> Any:
    from safehub.accounts.models import Agency

    return Agency.objects.get(pk=agency_id)


def _alert_checks(actor: Any, items: Sequence[NewAddress], outcomes: list[Outcome]) -> None:
    """The moved-in alert for each new current address of a person with a current flag of a
    "risk to children" kind (the only people it can raise an alert about)."""
    current: dict[str, Any] = {
        _hex(item.person_id): outcome
        for item, outcome in zip(items, outcomes, strict=True)
        if _is_id(outcome) and item.valid_to is None
    }
    if not current:
        return
    today = clock.today()
    flagged: set[str] = set()
    ids = list(current)
    for start in range(0, len(ids), 500):
        flagged.update(
            _hex(pid)
            for pid in RiskFlag.objects.filter(
                person_id__in=ids[start : start + 500],
                kind__in=sorted(RISK_TO_CHILDREN_FLAG_KINDS),
                starts_on__lte=today,
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
            .values_list("person_id", flat=True)
        )
    for person_id in sorted(flagged):
        lived_at = PersonAddress.objects.select_related("address", "person").get(pk=current[person_id])
        on_address_added(actor=actor, lived_at=lived_at)


def _audit(actor: Any, person_ids: list[Any], section: str, reason: str) -> None:
    record_event(
        actor=actor,
        verb=Verb.UPDATE,
        object_type="people.person",
        section=section,
        reason=reason,
        result_ids=sorted({str(_as_uuid(pid)) for pid in person_ids}),
    )


def _hex(pk: Any) -> Any:
    """The form `bulk.insert` takes for a UUID: its 32 hex digits (None stays None)."""
    if pk is None:
        return None
    return pk.hex if hasattr(pk, "hex") and not isinstance(pk, str) else str(pk).replace("-", "")


def _is_id(outcome: Outcome) -> bool:
    return outcome is not None and not isinstance(outcome, Exception)


def _as_uuid(outcome: Outcome) -> Outcome:
    if isinstance(outcome, str) and len(outcome) == 32:
        return uuid.UUID(outcome)
    return outcome
