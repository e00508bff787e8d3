"""How a person's details read on screen: ages, NHS numbers in 3-3-4, dates in words."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safehub.platform import clock
from safehub.platform.errors import ConflictError

from ..constants import RelationshipKind, Sex
from ..models import Person

NOT_RECORDED = "Not recorded"


def format_nhs_number(value: str) -> str:
    """10 digits as 3-3-4, the way the NHS prints them, so they can be read out over the phone."""
    if len(value) == 10 and value.isdigit():
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    return value


def format_date(value: datetime.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def age_on(dob: datetime.date, today: datetime.date) -> str:
    """Whole years; months for a baby, since "0" tells a duty worker nothing."""
    months = (today.year - dob.year) * 12 + today.month - dob.month - (today.day < dob.day)
    if months < 0:
        return ""
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12}"


def format_value(value: Any) -> str:
    """A field value in a conflict table: dates in words, codes as their labels, blanks said aloud."""
    if value in (None, ""):
        return NOT_RECORDED
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value)


def format_change(field: str, value: Any) -> str:
    if field == "sex" and value in Sex.values:
        return str(Sex(value).label)
    if field == "NHS number" and isinstance(value, str):
        return format_nhs_number(value) or NOT_RECORDED
    return format_value(value)


@dataclass(frozen=True)
class PersonRow:
    id: Any
    name: str
    date_of_birth: str
    age: str
    nhs_number: str


def person_row(person: Person, today: datetime.date | None = None) -> PersonRow:
    today = today or clock.today()
    if person.date_of_birth:
        dob, age = format_date(person.date_of_birth), age_on(person.date_of_birth, today)
    elif person.expected_date_of_birth:
        dob, age = f"Unborn (expected {format_date(person.expected_date_of_birth)})", ""
    else:
        dob, age = NOT_RECORDED, ""
    name = f"{person.family_name.upper()}, {person.given_name}"
    return PersonRow(person.pk, name, dob, age, format_nhs_number(person.nhs_number))


def conflict_message(error: ConflictError) -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {format_date(local.date())}"
    return f"This record was changed by {who}{when} after you opened it"


def period(start: datetime.date | None, end: datetime.date | None) -> str:
    """ "From 3 March 2019 to 1 May 2021", "Since 3 March 2019", or what is not known."""
    if start and end:
        return f"From {format_date(start)} to {format_date(end)}"
    if start:
        return f"Since {format_date(start)}"
    if end:
        return f"Until {format_date(end)} (start not known)"
    return "Dates not known"


@dataclass(frozen=True)
class RecordRow:
    """One line of a section of the person page: what, when, who told us, and whether it stands."""

    id: Any
    title: str
    detail: str
    when: str
    source: str
    current: bool
    extra: Any = None


def _agency(agency: Any) -> str:
    return str(agency) if agency is not None else "Not known"


def record_rows(record: Any) -> dict[str, list[RecordRow]]:
    """The person record's sections as rows for the template, current before past."""
    names = [
        RecordRow(
            n.pk,
            f"{n.given_name} {n.family_name}",
            n.get_kind_display(),
            period(n.valid_from, n.valid_to),
            _agency(n.source_agency),
            n.valid_to is None,
            extra=n.kind,
        )
        for n in record.names
    ]
    identifiers = [
        RecordRow(
            i.pk,
            format_nhs_number(i.value) if i.kind == "nhs_number" else i.value,
            i.get_kind_display(),
            f"Removed {format_date(timezone.localtime(i.removed_at).date())}: {i.removed_reason}"
            if i.removed_at
            else ("Current" if i.valid else "No longer valid (issuer says)"),
            _agency(i.issuing_agency) if i.issuing_agency_id else "",
            i.removed_at is None,
            extra=i.kind,
        )
        for i in record.identifiers
    ]
    addresses = [
        RecordRow(
            a.pk,
            str(a.address),
            a.get_kind_display() + (f" (UPRN {a.address.uprn})" if a.address.uprn else ""),
            period(a.valid_from, a.valid_to),
            _agency(a.source_agency),
            a.valid_to is None,
        )
        for a in record.addresses
    ]
    households = [
        RecordRow(
            m.pk,
            str(m.household.address),
            m.household.description,
            period(m.valid_from, m.valid_to),
            "",
            m.valid_to is None,
            extra={
                "household_id": m.household_id,
                "members": record.household_members.get(m.household_id, []),
            },
        )
        for m in record.memberships
    ]
    relationships = [
        RecordRow(
            side.relationship.pk,
            f"{RelationshipKind(side.kind).label} of",
            "",
            period(side.relationship.valid_from, side.relationship.valid_to),
            _agency(side.relationship.source_agency),
            side.is_current,
            extra=side.other,
        )
        for side in record.relationships
    ]
    today = clock.today()
    flags = [
        RecordRow(
            flag.pk,
            flag.get_kind_display(),
            flag.note,
            period(flag.starts_on, flag.ends_on),
            _agency(flag.source_agency),
            flag.ends_on is None,
            extra={
                "sensitive": flag.sensitivity == "sensitive",
                "review_on": format_date(flag.review_on),
                "overdue": flag.ends_on is None and flag.review_on < today,
                "reviewed": format_date(flag.reviewed_on),
            },
        )
        for flag in record.flags
    ]
    return {
        "names": names,
        "identifiers": identifiers,
        "addresses": addresses,
        "households": households,
        "relationships": relationships,
        "flags": flags,
    }


def disability_rows(disabilities: Any) -> list[RecordRow]:
    """The current disabilities, each with the day it was recorded and who told us."""
    return [
        RecordRow(
            d.pk,
            d.get_code_display(),
            "",
            format_date(d.recorded_on) or "Date not known",
            _agency(d.source_agency),
            True,
        )
        for d in disabilities
    ]
