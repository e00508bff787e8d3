"""Checking how a subject was described: the fields, the formats, and "an identifiable child"."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from safehub.people import identifiers
from safehub.platform import clock

from ..constants import CHILD_ROLES, SubjectRole

DETAIL_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "nhs_number",
    "postcode",
    "address_line",
)
_MAX = {"given_name": 100, "family_name": 100, "address_line": 300}
_SEX = {"": "", "M": "M", "F": "F", "U": "U"}


def clean_details(
    details: dict[str, Any], role: str, prefix: str, errors: dict[str, list[str]]
) -> dict[str, str]:
    """The details trimmed and normalised; every problem added to `errors` under `prefix-field`."""
    unknown = sorted(set(details) - set(DETAIL_FIELDS))
    for name in unknown:
        errors.setdefault(f"{prefix}-{name}", []).append("Not a detail of a person.")
    value = {name: str(details.get(name) or "").strip() for name in DETAIL_FIELDS}
    if role not in SubjectRole.values:
        errors.setdefault(f"{prefix}-role", []).append("Choose the person's part in the contact.")
    for name, most in _MAX.items():
        if len(value[name]) > most:
            errors.setdefault(f"{prefix}-{name}", []).append(f"Use at most {most} characters.")
    today = clock.today()
    born = _date(value, "date_of_birth", prefix, errors)
    if born and born > today:
        errors.setdefault(f"{prefix}-date_of_birth", []).append("Date of birth must be in the past.")
    expected = _date(value, "expected_date_of_birth", prefix, errors)
    if role == SubjectRole.UNBORN_CHILD:
        if born:
            errors.setdefault(f"{prefix}-date_of_birth", []).append(
                "An unborn child has no date of birth; give the expected date instead."
            )
        if not expected:
            errors.setdefault(f"{prefix}-expected_date_of_birth", []).append(
                "Enter the expected date of birth of the unborn child."
            )
    sex = _SEX.get(value["sex"].upper())
    if sex is None:
        errors.setdefault(f"{prefix}-sex", []).append("Sex must be M, F or U (not known).")
    else:
        value["sex"] = sex
    for name, check in (
        ("nhs_number", identifiers.validate_nhs_number),
        ("postcode", identifiers.normalise_postcode),
    ):
        if value[name]:
            try:
                value[name] = check(value[name])
            except ValidationError as error:
                errors.setdefault(f"{prefix}-{name}", []).extend(error.messages)
    return {name: text for name, text in value.items() if text}


def identifiable(role: str, details: dict[str, str]) -> bool:
    """Enough to find the child in anyone's records: a name with a given name or date of birth,
    or an NHS number; an unborn child by the expected date (and the mother, named beside it)."""
    if role not in CHILD_ROLES:
        return False
    if role == SubjectRole.UNBORN_CHILD:
        return bool(details.get("expected_date_of_birth"))
    return bool(
        details.get("nhs_number")
        or (details.get("family_name") and (details.get("given_name") or details.get("date_of_birth")))
    )


def _date(value: dict[str, str], name: str, prefix: str, errors: dict[str, list[str]]) -> dt.date | None:
    if not value[name]:
        return None
    try:
        return dt.date.fromisoformat(value[name])
    except ValueError:
        errors.setdefault(f"{prefix}-{name}", []).append("Enter a real date as YYYY-MM-DD.")
        return None


def match_query(details: dict[str, str]) -> dict[str, str]:
    """The matcher's query for a described subject (people.services.match.MATCH_FIELDS)."""
    query = {
        name: details[name]
        for name in (
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "postcode",
            "address_line",
            "nhs_number",
        )
        if details.get(name)
    }
    return query


def person_fields(role: str, details: dict[str, str]) -> dict[str, Any]:
    """The fields of a new Person made from the details (people.services.person_create)."""
    sex = {"M": "1", "F": "2"}.get(details.get("sex", ""), "9" if role == SubjectRole.UNBORN_CHILD else "0")
    fields: dict[str, Any] = {
        "given_name": details.get("given_name", "") or ("Unborn" if role == SubjectRole.UNBORN_CHILD else ""),
        "family_name": details.get("family_name", ""),
        "sex": sex,
    }
    if details.get("date_of_birth"):
        fields["date_of_birth"] = dt.date.fromisoformat(details["date_of_birth"])
    if details.get("expected_date_of_birth"):
        fields["expected_date_of_birth"] = dt.date.fromisoformat(details["expected_date_of_birth"])
    if details.get("nhs_number"):
        fields["nhs_number"] = details["nhs_number"]
    return fields


def described(person: Any) -> dict[str, str]:
    """A linked record's details in the contact's own words, for a subject staff picked from the
    index without typing them (the partner's search details come from here)."""
    sex = {"1": "M", "2": "F"}.get(person.sex, "")
    details = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "expected_date_of_birth": person.expected_date_of_birth.isoformat()
        if person.expected_date_of_birth
        else "",
        "sex": sex,
        "nhs_number": person.nhs_number or "",
    }
    return {name: value for name, value in details.items() if value}
