"""ssd_address, ssd_mother and ssd_linked_identifiers: what the person index records about a person.

Each row goes through the person index's services (address, relationship, identifier), one
savepoint per row, so every rule those services keep holds for imported rows too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from safehub.people import identifiers
from safehub.people.constants import AddressKind, IdentifierKind, RelationshipKind, Sex
from safehub.people.imports.links import NewAddress, NewUpn, people_addresses_add, people_upns_add
from safehub.people.models import Person, PersonAddress, PersonIdentifier, Relationship
from safehub.people.services import person_update, relationship_add

from ._people_common import ROW_ERRORS, council_agency, each_row, person_of, row_problems
from ._people_person import return_ids
from .base import (
    ExportContext,
    LoadContext,
    Problem,
    Row,
    RowRefused,
    parse_date,
    parse_json,
    required,
    row_hash,
)

# SSD list address_type -> the person index's kinds (and back, for export).
_ADDRESS_KINDS: dict[str, str] = {
    "Primary Address": AddressKind.HOME,
    "Placement": AddressKind.CARE,
    "": AddressKind.HOME,
}
_ADDRESS_TYPES: dict[str, str] = {AddressKind.HOME: "Primary Address", AddressKind.CARE: "Placement"}
# addr_address_json keys (the SSD's own) and where they go. EASTING/NORTHING follow from the UPRN
# or postcode, so they are read and not stored.
_JSON_KEYS = {"ROOM", "FLOOR", "FLAT", "BUILDING", "HOUSE", "STREET", "LOCALITY", "TOWN", "POSTCODE", "UPRN"}
_DERIVED_KEYS = {"EASTING", "NORTHING"}
_LINE_NAMES = ("line_1", "line_2", "line_3", "town", "postcode", "uprn")
# Where the person index's address errors belong in the SSD row.
_ADDRESS_FIELDS = {
    "postcode": "addr_address_postcode",
    "valid_from": "addr_address_start_date",
    "valid_to": "addr_address_end_date",
    "kind": "addr_address_type",
    **dict.fromkeys(("line_1", "line_2", "line_3", "town", "uprn"), "addr_address_json"),
}


class AddressTable:
    name: ClassVar[str] = "ssd_address"
    id_field: ClassVar[str] = "addr_table_id"
    fields: ClassVar[tuple[str, ...]] = (
        "addr_table_id",
        "addr_address_json",
        "addr_person_id",
        "addr_address_type",
        "addr_address_start_date",
        "addr_address_end_date",
        "addr_address_postcode",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {"addr_person_id": "ssd_person"}

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        """New rows in bulk through the person index's batch service; a row loaded before is moved
        one at a time (a second run of the same extract changes few)."""
        problems: list[Problem] = []
        fresh: list[tuple[Row, NewAddress]] = []
        moved: list[Row] = []
        for row in rows:
            try:
                item = self._parse(row, ctx)
            except ROW_ERRORS as error:
                problems.extend(row_problems(self.name, row.get(self.id_field, ""), error))
                continue
            if ctx.known(self.name, row[self.id_field]) is None:
                fresh.append((row, item))
            else:
                moved.append(row)
        problems.extend(each_row(self.name, self.id_field, moved, ctx, self._move_one))
        if not fresh:
            return problems
        outcomes = people_addresses_add(
            actor=ctx.actor, items=[item for _, item in fresh], reason=f"import-ssd run {ctx.run.pk}"
        )
        for (row, _), outcome in zip(fresh, outcomes, strict=True):
            if isinstance(outcome, Exception):
                problems.extend(row_problems(self.name, row[self.id_field], outcome, _ADDRESS_FIELDS))
            else:
                ctx.remember(self.name, row[self.id_field], "people.personaddress", outcome, row_hash(row))
        return problems

    def _parse(self, row: Row, ctx: LoadContext) -> NewAddress:
        lines = _address_lines(row)
        kind_text = (row.get("addr_address_type") or "").strip()
        if kind_text not in _ADDRESS_KINDS:
            raise RowRefused(
                "addr_address_type",
                f"addr_address_type {kind_text!r} is not a code of the SSD list address_type "
                "(Primary Address, Placement)",
            )
        start = parse_date(row, "addr_address_start_date")
        end = parse_date(row, "addr_address_end_date")
        if start and end and end < start:
            raise RowRefused(
                "addr_address_end_date", "addr_address_end_date is before addr_address_start_date"
            )
        person_id = ctx.person(row["addr_person_id"])
        if person_id is None:
            raise RowRefused("addr_person_id", f"addr_person_id {row['addr_person_id']} is not in ssd_person")
        return NewAddress(
            person_id=person_id, kind=_ADDRESS_KINDS[kind_text], valid_from=start, valid_to=end, **lines
        )

    def _move_one(self, row: Row, ctx: LoadContext) -> None:
        item = self._parse(row, ctx)
        known = ctx.known(self.name, row[self.id_field])
        assert known is not None  # load() sends only rows loaded before
        lived = PersonAddress.objects.select_related("address").get(pk=known)
        _save(lived.address, ctx.actor, **{name: getattr(item, name) for name in _LINE_NAMES})
        _save(
            lived,
            ctx.actor,
            person=Person.objects.get(pk=item.person_id),
            kind=item.kind,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
        )
        ctx.remember(self.name, row[self.id_field], "people.personaddress", lived.pk, row_hash(row))

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        lived = list(PersonAddress.objects.filter(kind__in=list(_ADDRESS_TYPES)).select_related("address"))
        ids = return_ids(sorted({item.person_id for item in lived}))
        rows = []
        for item in lived:
            address = item.address
            parts = {"STREET": address.line_1, "BUILDING": address.line_2, "LOCALITY": address.line_3}
            parts |= {"TOWN": address.town, "UPRN": address.uprn}
            rows.append(
                {
                    "addr_table_id": ctx.ssd_id(self.name, item.pk, "ADDR"),
                    "addr_address_json": json.dumps({k: v for k, v in parts.items() if v}, sort_keys=True),
                    "addr_person_id": ids[item.person_id],
                    "addr_address_type": _ADDRESS_TYPES[item.kind],
                    "addr_address_start_date": item.valid_from.isoformat() if item.valid_from else "",
                    "addr_address_end_date": item.valid_to.isoformat() if item.valid_to else "",
                    "addr_address_postcode": address.postcode,
                }
            )
        yield from sorted(rows, key=lambda row: row["addr_table_id"])


def _address_lines(row: Row) -> dict[str, str]:
    parsed = parse_json(row, "addr_address_json") or {}
    if not isinstance(parsed, dict):
        raise RowRefused("addr_address_json", "addr_address_json must be a JSON object of address parts")
    parts = {str(key).strip().upper(): str(value or "").strip() for key, value in parsed.items()}
    unknown = sorted(set(parts) - _JSON_KEYS - _DERIVED_KEYS)
    if unknown:
        raise RowRefused(
            "addr_address_json",
            f"addr_address_json has keys Safehub does not know: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_JSON_KEYS | _DERIVED_KEYS))})",
        )
    street = " ".join(part for part in (parts.get("HOUSE"), parts.get("STREET")) if part)
    building = ", ".join(
        part for part in (parts.get(k) for k in ("ROOM", "FLOOR", "FLAT", "BUILDING")) if part
    )
    line_1, line_2 = (street, building) if street else (building, "")
    if not line_1:
        raise RowRefused("addr_address_json", "addr_address_json has no street, house or building")
    postcode = (row.get("addr_address_postcode") or parts.get("POSTCODE") or "").strip()
    if postcode:
        try:
            postcode = identifiers.normalise_postcode(postcode)
        except ValidationError:
            raise RowRefused(
                "addr_address_postcode", f"addr_address_postcode {postcode!r} is not a postcode"
            ) from None
    return {
        "line_1": line_1,
        "line_2": line_2,
        "line_3": parts.get("LOCALITY", ""),
        "town": parts.get("TOWN", ""),
        "postcode": postcode,
        "uprn": parts.get("UPRN", ""),
    }


def _save(row: Any, actor: Any, **fields: Any) -> None:
    """An update the service layer has no function for (moving an imported row), validated, versioned."""
    if all(getattr(row, name) == value for name, value in fields.items()):
        return
    for name, value in fields.items():
        setattr(row, name, value)
    row.version += 1
    row.updated_by = actor
    row.full_clean()
    row.save()


class MotherTable:
    """A mother and her child: `Relationship` "mother parent of child" (the mother recorded female)."""

    name: ClassVar[str] = "ssd_mother"
    id_field: ClassVar[str] = "moth_table_id"
    fields: ClassVar[tuple[str, ...]] = (
        "moth_table_id",
        "moth_person_id",
        "moth_childs_person_id",
        "moth_childs_dob",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {
        "moth_person_id": "ssd_person",
        "moth_childs_person_id": "ssd_person",
    }

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        return each_row(self.name, self.id_field, rows, ctx, self._load_one)

    def _load_one(self, row: Row, ctx: LoadContext) -> None:
        mother = person_of(ctx, required(row, "moth_person_id"), "moth_person_id")
        child = person_of(ctx, required(row, "moth_childs_person_id"), "moth_childs_person_id")
        if mother.pk == child.pk:
            raise RowRefused("moth_childs_person_id", "moth_childs_person_id is the mother herself")
        if mother.sex != Sex.FEMALE:
            raise RowRefused(
                "moth_person_id", f"{row['moth_person_id']} is not recorded as female in ssd_person"
            )
        born = parse_date(row, "moth_childs_dob")
        if born and child.date_of_birth and born != child.date_of_birth:
            raise RowRefused(
                "moth_childs_dob",
                f"moth_childs_dob {born.isoformat()} is not the child's pers_dob ({child.date_of_birth.isoformat()})",
            )
        known = ctx.known(self.name, row[self.id_field])
        if known is None:
            link = relationship_add(
                actor=ctx.actor, person_a=mother, person_b=child, kind=RelationshipKind.PARENT
            )
        else:
            link = Relationship.objects.get(pk=known)
            _save(link, ctx.actor, person_a=mother, person_b=child)
        ctx.remember(self.name, row[self.id_field], "people.relationship", link.pk, row_hash(row))

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        links = list(
            Relationship.objects.filter(
                kind=RelationshipKind.PARENT, person_a__sex=Sex.FEMALE
            ).select_related("person_b")
        )
        ids = return_ids(sorted({p for link in links for p in (link.person_a_id, link.person_b_id)}))
        rows = [
            {
                "moth_table_id": ctx.ssd_id(self.name, link.pk, "MOTH"),
                "moth_person_id": ids[link.person_a_id],
                "moth_childs_person_id": ids[link.person_b_id],
                "moth_childs_dob": link.person_b.date_of_birth.isoformat()
                if link.person_b.date_of_birth
                else "",
            }
            for link in links
        ]
        yield from sorted(rows, key=lambda row: row["moth_table_id"])


# link_identifier_type values (ssd_fields.csv) and what the person index does with each.
_LINK_TYPES = (
    "Case Number",
    "Unique Pupil Number",
    "NHS Number",
    "Home Office Registration",
    "National Insurance Number",
    "YOT Number",
    "Court Case Number",
    "RAA ID",
    "Incident ID",
)


class LinkedIdentifierTable:
    name: ClassVar[str] = "ssd_linked_identifiers"
    id_field: ClassVar[str] = "link_table_id"
    fields: ClassVar[tuple[str, ...]] = (
        "link_table_id",
        "link_person_id",
        "link_identifier_type",
        "link_identifier_value",
        "link_valid_from_date",
        "link_valid_to_date",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {"link_person_id": "ssd_person"}
    # PersonIdentifier has no validity dates (a later UPN makes the earlier one former).
    not_kept: ClassVar[tuple[str, ...]] = ("link_valid_from_date", "link_valid_to_date")

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        """UPNs in bulk through the person index's batch service; NHS numbers (kept on the person
        itself) one row at a time."""
        problems: list[Problem] = []
        upns: list[tuple[Row, NewUpn]] = []
        nhs: list[Row] = []
        council = None
        for row in rows:
            try:
                kind, value, person_id = self._parse(row, ctx)
                if kind == "NHS Number":
                    nhs.append(row)
                    continue
                upn = identifiers.validate_upn(value)
            except ValidationError as error:
                problems.append(
                    Problem(self.name, row[self.id_field], "link_identifier_value", "; ".join(error.messages))
                )
                continue
            except ROW_ERRORS as error:
                problems.extend(row_problems(self.name, row.get(self.id_field, ""), error))
                continue
            council = council or council_agency(ctx.actor)
            upns.append((row, NewUpn(person_id=person_id, value=upn, issuing_agency_id=council.pk)))
        problems.extend(each_row(self.name, self.id_field, nhs, ctx, self._load_nhs))
        if not upns:
            return problems
        outcomes = people_upns_add(
            actor=ctx.actor, items=[item for _, item in upns], reason=f"import-ssd run {ctx.run.pk}"
        )
        for (row, _), outcome in zip(upns, outcomes, strict=True):
            if isinstance(outcome, Exception):
                problems.extend(
                    row_problems(self.name, row[self.id_field], outcome, {"value": "link_identifier_value"})
                )
            else:
                ctx.remember(self.name, row[self.id_field], "people.personidentifier", outcome, row_hash(row))
        return problems

    def _parse(self, row: Row, ctx: LoadContext) -> tuple[str, str, Any]:
        kind = required(row, "link_identifier_type")
        value = required(row, "link_identifier_value")
        if kind not in _LINK_TYPES:
            raise RowRefused(
                "link_identifier_type",
                f"link_identifier_type {kind!r} is not one of the SSD identifier types ({', '.join(_LINK_TYPES)})",
            )
        parse_date(row, "link_valid_from_date")
        parse_date(row, "link_valid_to_date")
        if kind not in ("Unique Pupil Number", "NHS Number"):
            raise RowRefused(
                "link_identifier_type",
                f"Safehub does not record {kind} identifiers yet (only Unique Pupil Number and NHS Number)",
            )
        person_id = ctx.person(row["link_person_id"])
        if person_id is None:
            raise RowRefused("link_person_id", f"link_person_id {row['link_person_id']} is not in ssd_person")
        return kind, value, person_id

    def _load_nhs(self, row: Row, ctx: LoadContext) -> None:
        _, value, person_id = self._parse(row, ctx)
        identifier = self._nhs(Person.objects.get(pk=person_id), value, ctx)
        ctx.remember(self.name, row[self.id_field], "people.personidentifier", identifier.pk, row_hash(row))

    def _nhs(self, person: Person, value: str, ctx: LoadContext) -> PersonIdentifier:
        try:
            number = identifiers.validate_nhs_number(value)
        except ValidationError as error:
            raise RowRefused("link_identifier_value", "; ".join(error.messages)) from None
        if person.nhs_number and person.nhs_number != number:
            raise RowRefused(
                "link_identifier_value",
                "the person's pers_common_child_id is a different NHS number; a person has one NHS number",
            )
        if not person.nhs_number:
            person_update(actor=ctx.actor, person=person, expected_version=person.version, nhs_number=number)
        return PersonIdentifier.objects.get(
            person=person, kind=IdentifierKind.NHS_NUMBER, value=number, removed_at__isnull=True
        )

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        held = list(
            PersonIdentifier.objects.filter(
                kind__in=[IdentifierKind.UPN, IdentifierKind.FORMER_UPN, IdentifierKind.NHS_NUMBER],
                removed_at__isnull=True,
            )
        )
        # An NHS number is ssd_person's pers_common_child_id; it is a row here only if it came as one.
        held = [i for i in held if i.kind != IdentifierKind.NHS_NUMBER or (self.name, i.pk) in ctx.source_ids]
        ids = return_ids(sorted({identifier.person_id for identifier in held}))
        rows = [
            {
                "link_table_id": ctx.ssd_id(self.name, identifier.pk, "LINK"),
                "link_person_id": ids[identifier.person_id],
                "link_identifier_type": "NHS Number"
                if identifier.kind == IdentifierKind.NHS_NUMBER
                else "Unique Pupil Number",
                "link_identifier_value": identifier.value,
            }
            for identifier in held
        ]
        yield from sorted(rows, key=lambda row: row["link_table_id"])
