"""How a person's details read on screen: ages, NHS numbers in 3-3-4, dates in words."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safehub.platform import clock
from safehub.platform.errors import ConflictError

from ..constants import Sex
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
