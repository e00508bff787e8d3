"""Checking each row against the rules the person index keeps, before anything is written.

Every problem with a row is reported (one `Rejection` per field), with the reason in the same words
the web forms use, so the person fixing the source file can fix all of a row at once.
"""

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from .. import identifiers
from ..constants import Sex
from ..models import Address, Person, PersonIdentifier

_Refuse = Callable[[str, str], None]
_Check = Callable[[str], str]
_SEX = {"M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.UNKNOWN, "": Sex.UNKNOWN}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX = {
    "source_id": PersonIdentifier._meta.get_field("value").max_length,
    "given_name": Person._meta.get_field("given_name").max_length,
    "family_name": Person._meta.get_field("family_name").max_length,
    "address_line": Address._meta.get_field("line_1").max_length,
}


@dataclass(slots=True, frozen=True)
class ImportRow:
    """One valid row, every value in the form the index stores (NHS number as 10 digits...)."""

    line: int
    source_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str
    postcode: str
    address_line: str
    nhs_number: str
    upn: str


@dataclass(slots=True, frozen=True)
class Rejection:
    line: int
    source_id: str
    field: str
    reason: str


def validate_row(line: int, raw: dict[str, str], *, today: date) -> ImportRow | list[Rejection]:
    """The row as an `ImportRow`, or every reason it cannot be loaded."""
    source_id = raw.get("source_id", "")
    if "" in raw:  # the parser's "wrong number of cells"
        return [Rejection(line, source_id, "row", raw[""])]
    errors: list[tuple[str, str]] = []

    def refuse(field: str, reason: str) -> None:
        errors.append((field, reason))

    if not source_id:
        refuse("source_id", "Enter the source system's identifier for this person")
    for field, limit in _MAX.items():
        if limit is not None and len(raw[field]) > limit:
            refuse(field, f"It is {len(raw[field])} characters long; the most is {limit}")
    # The index requires a name (the web form does too): a nameless record cannot be found or matched.
    if not raw["given_name"]:
        refuse("given_name", "Enter the given name")
    if not raw["family_name"]:
        refuse("family_name", "Enter the family name")

    born = _date_of_birth(raw["date_of_birth"], today, refuse)
    sex = _SEX.get(raw["sex"].upper())
    if sex is None:
        refuse("sex", f"Sex must be M, F or U (or empty), not {raw['sex']!r}")
    elif born is None and not raw["date_of_birth"] and sex != Sex.UNKNOWN:
        # The person table holds no one of known sex without a date of birth (only an unborn child,
        # with an expected date, which this file cannot carry).
        refuse("date_of_birth", "Enter a date of birth: a person whose sex is M or F needs one (or give U)")

    postcode = ""
    if raw["postcode"]:
        postcode, problem = _postcode(raw["postcode"])
        if problem:
            refuse("postcode", problem)
    if postcode and not raw["address_line"]:
        refuse("address_line", "Enter the first line of the address as well as the postcode")

    nhs_number = _checked(raw["nhs_number"], identifiers.validate_nhs_number, "nhs_number", refuse)
    upn = _checked(raw["upn"], identifiers.validate_upn, "upn", refuse)

    if errors:
        return [Rejection(line, source_id, field, reason) for field, reason in errors]
    return ImportRow(
        line=line,
        source_id=source_id,
        given_name=raw["given_name"],
        family_name=raw["family_name"],
        date_of_birth=born,
        sex=str(sex),
        postcode=postcode,
        address_line=raw["address_line"],
        nhs_number=nhs_number,
        upn=upn,
    )


def validate_rows(
    rows: Iterable[tuple[int, dict[str, str]]], *, today: date
) -> Iterator[ImportRow | list[Rejection]]:
    """Each row validated, and refused when it repeats an earlier row's source_id, NHS number or UPN.

    The first occurrence wins: it is the one a person reading the file top to bottom meets first.
    National numbers name one person in the whole index, so a second holder in one file is refused
    here rather than failing its whole batch in the database.
    """
    seen: dict[str, dict[str, int]] = {"source_id": {}, "nhs_number": {}, "upn": {}}
    for line, raw in rows:
        result = validate_row(line, raw, today=today)
        if isinstance(result, list):
            yield result
            continue
        repeats = []
        for field, earlier_lines in seen.items():
            value = getattr(result, field)
            if not value:
                continue
            earlier = earlier_lines.get(value)
            if earlier is not None:
                repeats.append(
                    Rejection(line, result.source_id, field, f"Repeats the {field} of line {earlier}")
                )
        if repeats:
            yield repeats
            continue
        for field, earlier_lines in seen.items():
            value = getattr(result, field)
            if value:
                earlier_lines[value] = line
        yield result


@functools.lru_cache(maxsize=1 << 17)
def _postcode(value: str) -> tuple[str, str]:
    """The postcode's one spelling, or the reason it is refused: remembered, because a file names a
    few tens of thousands of postcodes across a million rows."""
    try:
        return identifiers.normalise_postcode(value), ""
    except ValidationError as error:
        return "", _message(error)


def _date_of_birth(value: str, today: date, refuse: _Refuse) -> date | None:
    if not value:
        return None
    if not _ISO_DATE.fullmatch(value):
        refuse("date_of_birth", f"Enter the date as YYYY-MM-DD, not {value!r}")
        return None
    try:
        born = date.fromisoformat(value)
    except ValueError:
        refuse("date_of_birth", f"{value} is not a real date")
        return None
    if born > today:
        refuse("date_of_birth", "The date of birth cannot be in the future")
        return None
    return born


def _checked(value: str, check: _Check, field: str, refuse: _Refuse) -> str:
    if not value:
        return ""
    try:
        return check(value)
    except ValidationError as error:
        refuse(field, _message(error))
        return ""


def _message(error: ValidationError) -> str:
    return "; ".join(error.messages)
