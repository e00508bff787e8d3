"""<Disabilities>: the child's current codes, sorted, each once (8794), NONE only alone (8790); nothing
when nothing is recorded (a NONE nobody recorded would say the child was asked)."""

from datetime import date

from django.utils import timezone

from safehub.people.models import Person, PersonDisability
from safehub.returns.cin.builder import census_disabilities
from safehub.returns.cin.schema import schema_errors

from .cases import child, referral
from .conftest import build

AS_OF = date(2026, 5, 1)


def _record(person: Person, *codes: str, withdrawn: bool = False) -> None:
    for code in codes:
        PersonDisability.objects.create(
            person=person, code=code, removed_at=timezone.now() if withdrawn else None
        )


def _codes(entry: object) -> list[str]:
    return [e.text for e in entry.findall("ChildCharacteristics/Disabilities/Disability")]  # type: ignore[attr-defined]


def test_current_codes_are_sent_sorted_and_withdrawn_ones_are_not() -> None:
    person = child("DIS1", date_of_birth=date(2014, 2, 3))
    referral(person, date(2025, 5, 1))
    _record(person, "LD", "AUT", "MOB")
    _record(person, "HEAR", withdrawn=True)

    census = build(2026, as_of=AS_OF)

    entry = census.child("DIS1")
    assert _codes(entry) == ["AUT", "LD", "MOB"]
    # After Ethnicity, inside ChildCharacteristics, as the schema orders it.
    assert [e.tag for e in entry.find("ChildCharacteristics")] == ["Ethnicity", "Disabilities"]
    assert schema_errors(census.census.xml) == []


def test_no_disability_is_sent_as_none_and_nothing_recorded_sends_nothing() -> None:
    asked = child("DIS2", date_of_birth=date(2014, 2, 3))
    referral(asked, date(2025, 5, 1))
    _record(asked, "NONE")
    not_asked = child("DIS3", date_of_birth=date(2015, 2, 3))
    referral(not_asked, date(2025, 6, 1))

    census = build(2026, as_of=AS_OF)

    assert _codes(census.child("DIS2")) == ["NONE"]
    assert census.child("DIS3").find("ChildCharacteristics/Disabilities") is None
    assert schema_errors(census.census.xml) == []


def test_a_merged_record_s_disabilities_count_as_the_survivor_s() -> None:
    survivor = child("DIS4", date_of_birth=date(2013, 1, 1))
    referral(survivor, date(2025, 5, 1))
    _record(survivor, "NONE")
    absorbed = child(date_of_birth=date(2013, 1, 1))
    _record(absorbed, "VIS", "HEAR")
    Person.objects.filter(pk=absorbed.pk).update(merged_into=survivor)

    assert _codes(build(2026, as_of=AS_OF).child("DIS4")) == ["HEAR", "VIS"]


def test_census_codes_keep_the_dfe_rules() -> None:
    assert census_disabilities(set()) == ()
    assert census_disabilities({"NONE"}) == ("NONE",)
    assert census_disabilities({"NONE", "DDA", "AUT"}) == ("AUT", "DDA")
