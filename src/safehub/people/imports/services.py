"""The batch loader: thousands of new people per transaction, one audit event per batch.

`person_create` costs a dozen queries and one audit event per person; at a million rows that is
hours. Here a batch of new people is written with one INSERT per table (persons, current names,
identifiers, addresses, person-addresses, match keys, and their history rows: see `bulk` for why
not `bulk_create_with_history`) and one audit event naming every person created, all in one
transaction. People the agency has sent before are rare
and go through the row-level services, so updates keep every rule those services enforce.
"""

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
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
from ..models import Address, Person, PersonAddress, PersonIdentifier, PersonMatchKey, PersonName
from ..normalise import match_keys
from ..services import person_address_add, person_address_end, person_identifier_add, person_update
from . import bulk
from .validation import ImportRow, Rejection

CHANGE_REASON = "people import-csv"
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


def _known_source_ids(agency: Agency, source_ids: list[str]) -> dict[str, uuid.UUID]:
    return dict(
        PersonIdentifier.objects.filter(
            kind=IdentifierKind.AGENCY_ID,
            issuing_agency=agency,
            value__in=source_ids,
            removed_at__isnull=True,
        ).values_list("value", "person_id")
    )


def _refuse_numbers_held(rows: list[ImportRow]) -> tuple[list[ImportRow], list[Rejection]]:
    """A national number names one person: a new row carrying one someone already holds is refused."""
    wanted = {row.nhs_number for row in rows if row.nhs_number} | {row.upn for row in rows if row.upn}
    held = set(
        PersonIdentifier.objects.filter(
            kind__in=[IdentifierKind.NHS_NUMBER, IdentifierKind.UPN],
            value__in=wanted,
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
    stamp = {"updated_by_id": actor.pk}
    history = {"now": now, "history_user_id": actor.pk, "history_reason": CHANGE_REASON}
    ids = [uuid.uuid4() for _ in rows]
    people: list[dict[str, Any]] = []
    names: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    lived_at: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    addresses = _addresses(actor, rows, now=now)
    for person_id, row in zip(ids, rows, strict=True):
        people.append(
            {
                "id": person_id,
                "given_name": row.given_name,
                "family_name": row.family_name,
                "date_of_birth": row.date_of_birth,
                "sex": row.sex,
                "nhs_number": row.nhs_number,
                **stamp,
            }
        )
        # The current-name row `sync_current_name` gives every new person.
        names.append(
            {
                "id": uuid.uuid4(),
                "person_id": person_id,
                "kind": NameKind.CURRENT,
                "given_name": row.given_name,
                "family_name": row.family_name,
                "source_agency_id": agency.pk,
                **stamp,
            }
        )
        held.append(
            {
                "id": uuid.uuid4(),
                "person_id": person_id,
                "kind": IdentifierKind.AGENCY_ID,
                "value": row.source_id,
                "issuing_agency_id": agency.pk,
                **stamp,
            }
        )
        if row.nhs_number:  # as `sync_nhs_number` records it: no issuing agency
            held.append(
                {
                    "id": uuid.uuid4(),
                    "person_id": person_id,
                    "kind": IdentifierKind.NHS_NUMBER,
                    "value": row.nhs_number,
                    **stamp,
                }
            )
        if row.upn:
            held.append(
                {
                    "id": uuid.uuid4(),
                    "person_id": person_id,
                    "kind": IdentifierKind.UPN,
                    "value": row.upn,
                    "issuing_agency_id": agency.pk,
                    **stamp,
                }
            )
        if row.address_line:
            lived_at.append(
                {
                    "id": uuid.uuid4(),
                    "person_id": person_id,
                    "address_id": addresses[_address_key(row)],
                    "kind": AddressKind.HOME,
                    "source_agency_id": agency.pk,
                    **stamp,
                }
            )
        keys.extend(
            {"person_id": person_id, "kind": kind, "value": value} for kind, value in sorted(_keys(row))
        )
    bulk.insert(Person, people, **history)
    bulk.insert(PersonName, names, **history)
    bulk.insert(PersonIdentifier, held, **history)
    bulk.insert(PersonAddress, lived_at, **history)
    bulk.insert(PersonMatchKey, keys, now=now)
    return ids


def _keys(row: ImportRow) -> frozenset[tuple[str, str]]:
    """What `person_refresh_match_keys` derives for a person holding exactly this row's data.

    `match_keys` is the union of independent keys per name, date, postcode and number, so the
    parts are computed apart and the name and date parts, which repeat across thousands of rows,
    are remembered (normalising and coding a name is most of the cost). A test holds the result
    equal to the service's.
    """
    return (
        _name_keys(row.given_name, row.family_name)
        | _date_keys(row.date_of_birth)
        | _postcode_keys(row.postcode if row.address_line else "")
        | frozenset(
            match_keys(
                given_names=[],
                family_names=[],
                date_of_birth=None,
                postcodes=[],
                nhs_number=row.nhs_number,
                upn=row.upn,
            )
        )
    )


@functools.lru_cache(maxsize=65536)
def _name_keys(given_name: str, family_name: str) -> frozenset[tuple[str, str]]:
    return frozenset(
        match_keys(
            given_names=sorted({given_name} - {""}),
            family_names=sorted({family_name} - {""}),
            date_of_birth=None,
            postcodes=[],
        )
    )


@functools.lru_cache(maxsize=65536)
def _date_keys(born: date | None) -> frozenset[tuple[str, str]]:
    return frozenset(match_keys(given_names=[], family_names=[], date_of_birth=born, postcodes=[]))


@functools.lru_cache(maxsize=65536)
def _postcode_keys(postcode: str) -> frozenset[tuple[str, str]]:
    postcodes = [postcode] if postcode else []
    return frozenset(match_keys(given_names=[], family_names=[], date_of_birth=None, postcodes=postcodes))


def _address_key(row: ImportRow) -> tuple[str, str]:
    """Addresses are shared on postcode and first line; one without a postcode is never shared
    ("Flat 1" alone names thousands of places), so its key is unique to the row."""
    line = " ".join(row.address_line.split()).casefold()
    return (row.postcode, line) if row.postcode else ("", f"{line}\n{row.line}")


def _addresses(actor: Any, rows: list[ImportRow], *, now: Any) -> dict[tuple[str, str], uuid.UUID]:
    """One address row per place: people at an address the index knows share it (households)."""
    wanted = {_address_key(row): row for row in rows if row.address_line}
    found: dict[tuple[str, str], uuid.UUID] = {}
    postcodes = {postcode for postcode, _ in wanted if postcode}
    known = Address.objects.filter(postcode__in=postcodes, line_2="", line_3="").order_by("created_at", "id")
    for address_id, postcode, line_1 in known.values_list("id", "postcode", "line_1"):
        key = (postcode, " ".join(line_1.split()).casefold())
        if key in wanted:
            found.setdefault(key, address_id)
    new = {key: uuid.uuid4() for key in wanted if key not in found}
    bulk.insert(
        Address,
        [
            {
                "id": address_id,
                "line_1": wanted[key].address_line,
                "postcode": wanted[key].postcode,
                "updated_by_id": actor.pk,
            }
            for key, address_id in new.items()
        ],
        now=now,
        history_user_id=actor.pk,
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
