"""Recording the birth of an unborn child (issue 5).

An unborn child's record becomes the born child's record at birth, keeping its history: the same
`Person` row takes the date of birth (and usually a name and sex), so everything already recorded
about the child (a referral, a pre-birth child protection plan, relationships, the chronology)
stays on it. The expected date of birth is kept: the CIN census reports it for work that began
before birth, and a plan started before birth stays `unborn_at_start`.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..constants import Sex
from ..models import Person
from ..policies import person_policy
from .match_keys import person_refresh_match_keys
from .names import sync_current_name

# A pregnancy is about 40 weeks: a birth more than 24 weeks before the expected date is before any
# baby can survive, and one more than a year after it is not this pregnancy. Either is a typing
# mistake (or the wrong record), so it is refused at the field.
EARLIEST_BEFORE_EXPECTED = timedelta(weeks=24)
LATEST_AFTER_EXPECTED = timedelta(days=365)
BORN_SEXES = (Sex.MALE, Sex.FEMALE, Sex.UNKNOWN)


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def is_unborn(person: Person) -> bool:
    """Recorded as an unborn child: an expected date of birth and no date of birth."""
    return person.date_of_birth is None and person.expected_date_of_birth is not None


# Apps above `people` that hold work begun before birth register a check here (HOUSE.md: a lower
# app learns about a higher one only through a registry): `fn(person, date_of_birth)` returns a
# message for the date-of-birth field when that date contradicts their record, else None.
BirthCheck = Callable[[Person, date], str | None]
_birth_checks: list[BirthCheck] = []


def register_birth_check(fn: BirthCheck) -> BirthCheck:
    if fn not in _birth_checks:
        _birth_checks.append(fn)
    return fn


def person_record_birth(
    *,
    actor: Any,
    person: Person,
    expected_version: int,
    date_of_birth: date | None,
    given_name: str = "",
    family_name: str = "",
    sex: str = "",
) -> Person:
    """Record that an unborn child has been born, on the same record; ConflictError if someone
    saved the record since `expected_version` (R49). A blank name or sex keeps what is recorded
    (an unborn child's sex recorded as "unborn" becomes "not known")."""
    person_policy.check(actor, "change", person)
    errors: dict[str, list[str]] = {}
    if not is_unborn(person):
        if person.date_of_birth is not None:
            message = f"This record already has a date of birth, {_d(person.date_of_birth)}."
        else:
            message = (
                "This record is not recorded as an unborn child (it has no expected date of birth): "
                "use Change details to add the date of birth."
            )
        raise ValidationError({"__all__": [message]})
    expected = person.expected_date_of_birth
    assert expected is not None  # is_unborn
    if date_of_birth is None:
        errors["date_of_birth"] = ["Enter the date of birth."]
    elif date_of_birth > clock.today():
        errors["date_of_birth"] = ["The date of birth cannot be in the future."]
    elif date_of_birth < expected - EARLIEST_BEFORE_EXPECTED:
        errors["date_of_birth"] = [
            f"The date of birth is more than 24 weeks before the expected date, {_d(expected)}: check both dates."
        ]
    elif date_of_birth > expected + LATEST_AFTER_EXPECTED:
        errors["date_of_birth"] = [
            f"The date of birth is more than a year after the expected date, {_d(expected)}: check both dates."
        ]
    elif person.date_of_death is not None and date_of_birth > person.date_of_death:
        errors["date_of_birth"] = [
            f"The date of birth cannot be after the date of death, {_d(person.date_of_death)}."
        ]
    if date_of_birth is not None and "date_of_birth" not in errors:
        found = [note for note in (check(person, date_of_birth) for check in _birth_checks) if note]
        if found:
            errors["date_of_birth"] = found
    if sex and sex not in BORN_SEXES:
        errors["sex"] = ["Choose male, female or not known."]
    if errors:
        raise ValidationError(errors)
    assert date_of_birth is not None
    with transaction.atomic():
        old_name = (person.given_name, person.family_name)
        person.date_of_birth = date_of_birth
        if given_name.strip():
            person.given_name = given_name.strip()
        if family_name.strip():
            person.family_name = family_name.strip()
        if sex:
            person.sex = sex
        elif person.sex == Sex.UNBORN:
            person.sex = Sex.UNKNOWN
        save_versioned(person, expected_version=expected_version, actor=actor)
        sync_current_name(actor=actor, person=person, old=old_name)
        person_refresh_match_keys(person)
        record_event(actor=actor, verb=Verb.UPDATE, target=person, section="birth", reason="birth_recorded")
    return person
