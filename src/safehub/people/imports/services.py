"""The batch loader: thousands of new people per transaction, one audit event per batch.

`person_create` costs a dozen queries and one audit event per person; at a million rows that is
hours. Here a batch of new people is written with one INSERT per table (persons, current names,
identifiers, addresses, person-addresses, match profiles and keys, and their history rows: see
`bulk` for why not `bulk_create_with_history`) and one audit event naming every person created, all in one
transaction. People the agency has sent before are rare
and go through the row-level services, so updates keep every rule those services enforce.
"""

import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404

from safehub.accounts.constants import Capability
from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import ConflictError, PermissionRefused

from ..constants import AddressKind, IdentifierKind, NameKind
from ..models import (
    Address,
    Person,
    PersonAddress,
    PersonIdentifier,
    PersonMatchKey,
    PersonMatchProfile,
    PersonName,
)
from ..services import person_address_add, person_address_end, person_identifier_add, person_update
from . import bulk
from .derive import derive
from .validation import ImportRow, Rejection

CHANGE_REASON = "people import-csv"
# The tables the batch loader writes (and, through `indexes.tables_of`, their history tables).
LOADED_MODELS = (
    Person,
    PersonName,
    PersonIdentifier,
    Address,
    PersonAddress,
    PersonMatchKey,
    PersonMatchProfile,
)
# Errors a row-level update may end in; each refuses that row only.
_ROW_ERRORS = (ValidationError, ConflictError, PermissionRefused, Http404, DatabaseError)


@dataclass
class BatchOutcome:
    created: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def people_import_batch(*, actor: Any, agency: Agency, rows: Sequence[ImportRow]) -> BatchOutcome:
    """Load validated rows from `agency`: new source_ids in one transaction, known ones updated.

    If writing the new people fails, that transaction rolls back whole and each of its rows is
    returned as rejected with the error; the updates, each in its own transaction, are unaffected.
    """
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    outcome = BatchOutcome()
    known = _known_source_ids(agency, [row.source_id for row in rows])
    new = [row for row in rows if row.source_id not in known]
    new, held = _refuse_numbers_held(new)
    outcome.rejected.extend(held)
    if new:
        try:
            with transaction.atomic():
                outcome.created = _create(actor, agency, new)
                record_event(
                    actor=actor,
                    verb=Verb.CREATE,
                    object_type="people.person",
                    section="import",
                    reason=f"{CHANGE_REASON} from {agency.ods_code or agency.name}, lines {new[0].line}-{new[-1].line}",
                    result_ids=outcome.created,
                )
        except Exception as error:  # any failure refuses the batch's rows, with the reason
            outcome.created = []
            reason = f"Not loaded: the batch of lines {new[0].line}-{new[-1].line} failed ({error})"
            outcome.rejected.extend(Rejection(row.line, row.source_id, "batch", reason) for row in new)
    for row in rows:
        person_id = known.get(row.source_id)
        if person_id is None:
            continue
        try:
            changed = _update(actor, agency, person_id, row)
        except _ROW_ERRORS as error:
            outcome.rejected.extend(_rejections(row, error))
            continue
        if changed:
            outcome.updated.append(person_id)
        else:
            outcome.unchanged += 1
    return outcome


def agency_register_for_import(*, actor: Any, code: str, kind: str) -> Agency:
    """Register the agency a file comes from (`--create-agency`), named by its code until renamed.

    The importing user records people but does not manage agencies; the operator who runs the
    command on the server asked for the registration explicitly, and the audit event says who did.
    """
    if not actor.has_capability(Capability.EDIT_PEOPLE):
        raise PermissionRefused()
    with transaction.atomic():
        agency = Agency(name=code, ods_code=code, kind=kind, updated_by=actor)
        agency.full_clean()
        agency.save()
        record_event(actor=actor, verb=Verb.CREATE, target=agency, reason=f"registered by {CHANGE_REASON}")
    return agency


# Values per IN (...) list: PostgreSQL takes at most 65,535 parameters in one statement and SQLite's
# limit is a build option (32,766 by default), and a batch can name more national numbers than that.
LOOKUP_CHUNK = 10_000


def _chunks(values: Collection[Any]) -> Iterator[list[Any]]:
    ordered = list(values)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        yield ordered[start : start + LOOKUP_CHUNK]


def _known_source_ids(agency: Agency, source_ids: list[str]) -> dict[str, uuid.UUID]:
    known: dict[str, uuid.UUID] = {}
    for chunk in _chunks(source_ids):
        known.update(
            PersonIdentifier.objects.filter(
                kind=IdentifierKind.AGENCY_ID,
                issuing_agency=agency,
                value__in=chunk,
                removed_at__isnull=True,
            ).values_list("value", "person_id")
        )
    return known


def _refuse_numbers_held(rows: list[ImportRow]) -> tuple[list[ImportRow], list[Rejection]]:
    """A national number names one person: a new row carrying one someone already holds is refused."""
    wanted = {row.nhs_number for row in rows if row.nhs_number} | {row.upn for row in rows if row.upn}
    held: set[tuple[str, str]] = set()
    for chunk in _chunks(wanted):
        held.update(
            PersonIdentifier.objects.filter(
                kind__in=[IdentifierKind.NHS_NUMBER, IdentifierKind.UPN],
                value__in=chunk,
                removed_at__isnull=True,
            ).values_list("kind", "value")
        )
    keep, refused = [], []
    for row in rows:
        problems = [
            Rejection(
                row.line, row.source_id, name, f"Another person in the index already holds this {label}"
            )
            for name, kind, label in (
                ("nhs_number", IdentifierKind.NHS_NUMBER, "NHS number"),
                ("upn", IdentifierKind.UPN, "UPN"),
            )
            if getattr(row, name) and (kind, getattr(row, name)) in held
        ]
        if problems:
            refused.extend(problems)
        else:
            keep.append(row)
    return keep, refused


def _create(actor: Any, agency: Agency, rows: list[ImportRow]) -> list[uuid.UUID]:
    """Write what `person_create` + `person_address_add` + `person_identifier_add` would, in bulk."""
    now = clock.now()
    user, agency_id = _hex(actor.pk), _hex(agency.pk)
    history: dict[str, Any] = {"now": now, "history_user_id": user, "history_reason": CHANGE_REASON}
    # Ids for each person, their name, their agency id, NHS number, UPN and home: drawn at once.
    fresh = iter(bulk.new_ids(6 * len(rows)))
    people: list[dict[str, Any]] = []
    names: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    lived_at: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    created: list[uuid.UUID] = []
    addresses = _addresses(actor, rows, now=now)
    for row in rows:
        person_id = next(fresh)
        created.append(uuid.UUID(person_id))
        people.append(
            {
                "id": person_id,
                "given_name": row.given_name,
                "family_name": row.family_name,
                "date_of_birth": row.date_of_birth,
                "sex": row.sex,
                "nhs_number": row.nhs_number,
                "updated_by_id": user,
            }
        )
        # The current-name row `sync_current_name` gives every new person.
        names.append(
            {
                "id": next(fresh),
                "person_id": person_id,
                "kind": NameKind.CURRENT,
                "given_name": row.given_name,
                "family_name": row.family_name,
                "source_agency_id": agency_id,
                "updated_by_id": user,
            }
        )
        held.append(
            {
                "id": next(fresh),
                "person_id": person_id,
                "kind": IdentifierKind.AGENCY_ID,
                "value": row.source_id,
                "issuing_agency_id": agency_id,
                "updated_by_id": user,
            }
        )
        if row.nhs_number:  # as `sync_nhs_number` records it: no issuing agency
            held.append(
                {
                    "id": next(fresh),
                    "person_id": person_id,
                    "kind": IdentifierKind.NHS_NUMBER,
                    "value": row.nhs_number,
                    "updated_by_id": user,
                }
            )
        if row.upn:
            held.append(
                {
                    "id": next(fresh),
                    "person_id": person_id,
                    "kind": IdentifierKind.UPN,
                    "value": row.upn,
                    "issuing_agency_id": agency_id,
                    "updated_by_id": user,
                }
            )
        if row.address_line:
            lived_at.append(
                {
                    "id": next(fresh),
                    "person_id": person_id,
                    "address_id": addresses[_address_key(row)],
                    "kind": AddressKind.HOME,
                    "source_agency_id": agency_id,
                    "updated_by_id": user,
                }
            )
        profile, row_keys = derive(row)
        profiles.append({"person_id": person_id, **profile})
        keys.extend({"person_id": person_id, "kind": kind, "value": value} for kind, value in row_keys)
    bulk.insert(Person, people, **history)
    bulk.insert(PersonName, names, **history)
    bulk.insert(PersonIdentifier, held, **history)
    bulk.insert(PersonAddress, lived_at, **history)
    bulk.insert(PersonMatchKey, keys, now=now)
    bulk.insert(PersonMatchProfile, profiles, now=now)
    return created


def _hex(pk: Any) -> str:
    return pk.hex if isinstance(pk, uuid.UUID) else str(pk)


def _address_key(row: ImportRow) -> tuple[str, str]:
    """Addresses are shared on postcode and first line; one without a postcode is never shared
    ("Flat 1" alone names thousands of places), so its key is unique to the row."""
    line = " ".join(row.address_line.split()).casefold()
    return (row.postcode, line) if row.postcode else ("", f"{line}\n{row.line}")


def _addresses(actor: Any, rows: list[ImportRow], *, now: Any) -> dict[tuple[str, str], Any]:
    """One address row per place: people at an address the index knows share it (households).

    Returns each place's address id: a UUID for one already known, 32 hex digits for a new one.
    """
    wanted = {_address_key(row): row for row in rows if row.address_line}
    found: dict[tuple[str, str], Any] = {}
    postcodes = {postcode for postcode, _ in wanted if postcode}
    for chunk in _chunks(postcodes):
        known = Address.objects.filter(postcode__in=chunk, line_2="", line_3="").order_by("created_at", "id")
        # A postcode falls in one chunk only, so "the oldest address wins" holds across chunks.
        for address_id, postcode, line_1 in known.values_list("id", "postcode", "line_1"):
            key = (postcode, " ".join(line_1.split()).casefold())
            if key in wanted:
                found.setdefault(key, address_id)
    missing = [key for key in wanted if key not in found]
    new = dict(zip(missing, bulk.new_ids(len(missing)), strict=True))
    bulk.insert(
        Address,
        [
            {
                "id": address_id,
                "line_1": wanted[key].address_line,
                "postcode": wanted[key].postcode,
                "updated_by_id": _hex(actor.pk),
            }
            for key, address_id in new.items()
        ],
        now=now,
        history_user_id=_hex(actor.pk),
        history_reason=CHANGE_REASON,
    )
    return found | new


def _update(actor: Any, agency: Agency, person_id: uuid.UUID, row: ImportRow) -> bool:
    """Bring a known person in line with the agency's row through the row-level services.

    Names, date of birth, sex and NHS number take the row's values (an empty NHS number retires the
    old one, as on the person's page). An empty address or UPN leaves what is recorded: the file
    says nothing about them. Returns whether anything changed; all of it or none of it is saved.
    """
    changed = False
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        fields = {
            "given_name": row.given_name,
            "family_name": row.family_name,
            "date_of_birth": row.date_of_birth,
            "sex": row.sex,
            "nhs_number": row.nhs_number,
        }
        different = {name: value for name, value in fields.items() if getattr(person, name) != value}
        if different:
            person_update(actor=actor, person=person, expected_version=person.version, **different)
            changed = True
        if row.address_line:
            changed |= _move_home(actor, agency, person, row)
        if (
            row.upn
            and not PersonIdentifier.objects.filter(
                person=person, kind=IdentifierKind.UPN, value=row.upn, removed_at__isnull=True
            ).exists()
        ):
            person_identifier_add(
                actor=actor, person=person, kind=IdentifierKind.UPN, value=row.upn, issuing_agency=agency
            )
            changed = True
    return changed


def _move_home(actor: Any, agency: Agency, person: Person, row: ImportRow) -> bool:
    current = list(
        PersonAddress.objects.filter(
            person=person, kind=AddressKind.HOME, valid_to__isnull=True
        ).select_related("address")
    )
    line = " ".join(row.address_line.split()).casefold()
    if any(
        (lived.address.postcode, " ".join(lived.address.line_1.split()).casefold()) == (row.postcode, line)
        for lived in current
    ):
        return False
    # Only the address this agency told us about moves; another agency's stays until it says so.
    for lived in current:
        if lived.source_agency_id == agency.pk:
            person_address_end(actor=actor, person_address=lived)
    address_id = _addresses(actor, [row], now=clock.now())[_address_key(row)]
    person_address_add(
        actor=actor, person=person, address=Address.objects.get(pk=address_id), source_agency=agency
    )
    return True


def _rejections(row: ImportRow, error: Exception) -> list[Rejection]:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            Rejection(row.line, row.source_id, name if name != "__all__" else "row", "; ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    if isinstance(error, ValidationError):
        return [Rejection(row.line, row.source_id, "row", "; ".join(error.messages))]
    if isinstance(error, Http404 | PermissionRefused):
        return [Rejection(row.line, row.source_id, "row", "The importing user may not change this person")]
    return [Rejection(row.line, row.source_id, "row", f"Not updated: {error}")]
