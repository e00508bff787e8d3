"""ssd_person -> people.Person, through the person index's batch loader (ADR 0006, decisions 4, 5).

New people go in through `people_import_batch` (one INSERT per table, match keys and profile, the
council's agency id = `pers_person_id`), except an unborn child (no date of birth, sex known), which
the batch loader does not take and `person_create` does. A person loaded before is updated through
`person_update`. `pers_person_id` becomes the child's return id (`ChildReturnId`, source imported).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from safehub.people import identifiers
from safehub.people.constants import IdentifierKind, Sex
from safehub.people.imports import ImportRow, bulk, people_import_batch
from safehub.people.models import Person, PersonIdentifier
from safehub.people.services import person_create, person_identifier_add, person_update
from safehub.platform import clock

from ..constants import CHILD_ID_PATTERN, ChildIdSource
from ..identity import child_ids_for
from ..models import ChildReturnId
from ._people_common import (
    ROW_ERRORS,
    check_code,
    codes,
    council_agency,
    may_edit_people,
    refuse_all,
    row_problems,
)
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, parse_date, required, row_hash

TABLE = "ssd_person"
ID = "pers_person_id"
_SEX_IN = {"M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.UNKNOWN, "": Sex.UNKNOWN, "1": Sex.MALE, "2": Sex.FEMALE}
_SEX_OUT: dict[str, str] = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U", Sex.UNBORN: "U"}
# Person model field -> SSD column, for refusals raised by the people services.
_FIELDS = {
    "given_name": "pers_forename",
    "family_name": "pers_surname",
    "sex": "pers_sex",
    "gender": "pers_gender",
    "ethnicity": "pers_ethnicity",
    "date_of_birth": "pers_dob",
    "nhs_number": "pers_common_child_id",
    "expected_date_of_birth": "pers_expected_dob",
    "date_of_death": "pers_death_date",
    "source_id": ID,
    "batch": "row",
    "value": ID,
}
_NAME_MAX = Person._meta.get_field("given_name").max_length or 100


@dataclass
class _Valid:
    row: Row
    fields: dict[str, Any]


class PersonTable:
    name: ClassVar[str] = TABLE
    id_field: ClassVar[str] = ID
    fields: ClassVar[tuple[str, ...]] = (
        "pers_person_id",
        "pers_forename",
        "pers_surname",
        "pers_sex",
        "pers_gender",
        "pers_ethnicity",
        "pers_dob",
        "pers_common_child_id",
        "pers_legacy_id",
        "pers_upn_unknown",
        "pers_send_flag",
        "pers_expected_dob",
        "pers_death_date",
        "pers_is_mother",
        "pers_nationality",
    )
    depends_on: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[dict[str, str]] = {}
    # No home in the person index yet (see the report to the lead): reported once per column.
    not_kept: ClassVar[tuple[str, ...]] = (
        "pers_legacy_id",
        "pers_upn_unknown",
        "pers_send_flag",
        "pers_is_mother",
        "pers_nationality",
    )

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        if not may_edit_people(ctx.actor):
            return refuse_all(TABLE, ID, rows, "row", "the importing user's role may not record people")
        problems: list[Problem] = []
        valid: list[_Valid] = []
        ethnicities, genders = codes("cin.ethnicitytype"), codes("cin.gendertype")
        today = clock.today()
        for row in rows:
            try:
                valid.append(_Valid(row, _validate(row, ethnicities, genders, today)))
            except ROW_ERRORS as error:
                problems.extend(row_problems(TABLE, row.get(ID, ""), error, _FIELDS))
        valid, held = _refuse_ids_held(valid, ctx)
        problems.extend(held)
        known = [item for item in valid if ctx.person(item.row[ID])]
        new = [item for item in valid if not ctx.person(item.row[ID])]
        for item in known:
            problems.extend(_update(item, ctx))
        problems.extend(_create(new, ctx))
        return problems

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        people = list(Person.objects.filter(merged_into__isnull=True).order_by("pk"))
        ids = return_ids([person.pk for person in people])
        rows = [
            {
                ID: ids[person.pk],
                "pers_forename": person.given_name,
                "pers_surname": person.family_name,
                "pers_sex": _SEX_OUT.get(person.sex, "U"),
                "pers_gender": person.gender,
                "pers_ethnicity": person.ethnicity,
                "pers_dob": _iso(person.date_of_birth),
                "pers_common_child_id": person.nhs_number,
                "pers_expected_dob": _iso(person.expected_date_of_birth),
                "pers_death_date": _iso(person.date_of_death),
            }
            for person in people
        ]
        yield from sorted(rows, key=lambda row: row[ID])


def return_ids(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each person's return id (allocated for people created in Safehub), in bounded IN lists."""
    found: dict[uuid.UUID, str] = {}
    for start in range(0, len(person_ids), 900):
        found.update(child_ids_for(person_ids[start : start + 900]))
    return found


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _validate(row: Row, ethnicities: set[str], genders: set[str], today: date) -> dict[str, Any]:
    person_id = required(row, ID)
    if not CHILD_ID_PATTERN.match(person_id):
        raise RowRefused(
            ID,
            f"pers_person_id {person_id[:40]!r} cannot be the child's id in returns: it must be 1 to 20 "
            "letters and digits (CIN rules 1570 and 1580)",
        )
    fields: dict[str, Any] = {}
    for column, name in (("pers_forename", "given_name"), ("pers_surname", "family_name")):
        value = required(row, column)
        if len(value) > _NAME_MAX:
            raise RowRefused(column, f"{column} is {len(value)} characters long; the most is {_NAME_MAX}")
        fields[name] = value
    sex_text = (row.get("pers_sex") or "").strip().upper()
    if sex_text not in _SEX_IN:
        raise RowRefused("pers_sex", f"pers_sex {row.get('pers_sex')!r} is not M, F or U (SSD list sex)")
    fields["sex"] = _SEX_IN[sex_text]
    fields["gender"] = check_code(row, "pers_gender", genders, "cin.gendertype")
    fields["ethnicity"] = check_code(row, "pers_ethnicity", ethnicities, "cin.ethnicitytype")
    born = parse_date(row, "pers_dob")
    expected = parse_date(row, "pers_expected_dob")
    died = parse_date(row, "pers_death_date")
    if born and born > today:
        raise RowRefused("pers_dob", f"pers_dob {born.isoformat()} is in the future; use pers_expected_dob")
    if died and born and died < born:
        raise RowRefused("pers_death_date", "pers_death_date is before pers_dob")
    if born is None and expected is None and fields["sex"] != Sex.UNKNOWN:
        raise RowRefused("pers_dob", "pers_dob is required (or pers_expected_dob for an unborn child)")
    fields.update(date_of_birth=born, expected_date_of_birth=expected, date_of_death=died)
    number = (row.get("pers_common_child_id") or "").strip()
    if number:
        try:
            number = identifiers.validate_nhs_number(number)
        except ValidationError as error:
            raise RowRefused("pers_common_child_id", "; ".join(error.messages)) from None
    fields["nhs_number"] = number
    return fields


def _refuse_ids_held(valid: list[_Valid], ctx: LoadContext) -> tuple[list[_Valid], list[Problem]]:
    """A return id names one person for life: an id another person holds is refused."""
    held = dict(
        ChildReturnId.objects.filter(child_id__in=[item.row[ID] for item in valid]).values_list(
            "child_id", "person_id"
        )
    )
    keep, problems = [], []
    for item in valid:
        holder = held.get(item.row[ID])
        if holder is not None and holder != ctx.person(item.row[ID]):
            problems.append(
                Problem(TABLE, item.row[ID], ID, f"{item.row[ID]} is already the return id of another person")
            )
        else:
            keep.append(item)
    return keep, problems


def _update(item: _Valid, ctx: LoadContext) -> list[Problem]:
    from django.db import transaction

    person_id = ctx.person(item.row[ID])
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=str(person_id))
            different = {name: value for name, value in item.fields.items() if getattr(person, name) != value}
            if different:
                person_update(actor=ctx.actor, person=person, expected_version=person.version, **different)
            _return_id(person.pk, item.row[ID])
            ctx.remember(TABLE, item.row[ID], "people.person", person.pk, row_hash(item.row))
    except ROW_ERRORS as error:
        return row_problems(TABLE, item.row[ID], error, _FIELDS)
    return []


def _create(new: list[_Valid], ctx: LoadContext) -> list[Problem]:
    if not new:
        return []
    agency = council_agency(ctx.actor)
    problems: list[Problem] = []
    unborn = [
        item for item in new if item.fields["date_of_birth"] is None and item.fields["sex"] != Sex.UNKNOWN
    ]
    batch = [item for item in new if item not in unborn]
    lines = dict(enumerate(batch, start=1))
    outcome = people_import_batch(
        actor=ctx.actor,
        agency=agency,
        rows=[
            ImportRow(
                line=line,
                source_id=item.row[ID],
                given_name=item.fields["given_name"],
                family_name=item.fields["family_name"],
                date_of_birth=item.fields["date_of_birth"],
                sex=item.fields["sex"],
                postcode="",
                address_line="",
                nhs_number=item.fields["nhs_number"],
                upn="",
            )
            for line, item in lines.items()
        ],
    )
    refused = {rejection.line for rejection in outcome.rejected}
    problems.extend(
        Problem(TABLE, rejection.source_id, _FIELDS.get(rejection.field, rejection.field), rejection.reason)
        for rejection in outcome.rejected
    )
    loaded = [item for line, item in lines.items() if line not in refused]
    holders = _agency_holders(agency, [item.row[ID] for item in loaded])
    # Fields the batch loader does not take, set in the same transaction: one UPDATE per set of
    # fields, not one per person (like the queryset update it replaces, no history row of its own).
    extras: dict[tuple[str, ...], list[Person]] = {}
    for item in loaded:
        person_id = holders[item.row[ID]]
        extra = {
            name: item.fields[name]
            for name in ("gender", "ethnicity", "expected_date_of_birth", "date_of_death")
            if item.fields[name]
        }
        if extra:
            extras.setdefault(tuple(extra), []).append(Person(pk=person_id, **extra))
        ctx.remember(TABLE, item.row[ID], "people.person", person_id, row_hash(item.row))
    for names, people in extras.items():
        bulk.update(Person, people, names, now=clock.now(), history=False)
    _return_ids({holders[item.row[ID]]: item.row[ID] for item in loaded})
    for item in unborn:
        problems.extend(_create_one(item, agency, ctx))
    return problems


def _create_one(item: _Valid, agency: Any, ctx: LoadContext) -> list[Problem]:
    from django.db import transaction

    try:
        with transaction.atomic():
            person = person_create(actor=ctx.actor, **item.fields)
            person_identifier_add(
                actor=ctx.actor,
                person=person,
                kind=IdentifierKind.AGENCY_ID,
                value=item.row[ID],
                issuing_agency=agency,
            )
            _return_id(person.pk, item.row[ID])
            ctx.remember(TABLE, item.row[ID], "people.person", person.pk, row_hash(item.row))
    except ROW_ERRORS as error:
        return row_problems(TABLE, item.row[ID], error, _FIELDS)
    return []


def _agency_holders(agency: Any, source_ids: list[str]) -> dict[str, uuid.UUID]:
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(source_ids), 900):
        found.update(
            PersonIdentifier.objects.filter(
                kind=IdentifierKind.AGENCY_ID,
                issuing_agency=agency,
                value__in=source_ids[start : start + 900],
                removed_at__isnull=True,
            ).values_list("value", "person_id")
        )
    return found


def _return_ids(child_ids: dict[uuid.UUID, str]) -> None:
    """`_return_id` for a batch of people: one query for who has one, one INSERT for the rest."""
    wanted = list(child_ids)
    held: set[uuid.UUID] = set()
    for start in range(0, len(wanted), 900):
        held.update(
            ChildReturnId.objects.filter(person_id__in=wanted[start : start + 900]).values_list(
                "person_id", flat=True
            )
        )
    bulk.create(
        ChildReturnId,
        [
            ChildReturnId(person_id=person_id, child_id=child_id, source=ChildIdSource.IMPORTED)
            for person_id, child_id in child_ids.items()
            if person_id not in held
        ],
        now=clock.now(),
    )


def _return_id(person_id: uuid.UUID, child_id: str) -> None:
    """The imported id becomes the person's return id, unless they already have one (kept for life)."""
    if not ChildReturnId.objects.filter(person_id=person_id).exists():
        ChildReturnId.objects.create(person_id=person_id, child_id=child_id, source=ChildIdSource.IMPORTED)
