"""UASC and postcodes in the 903: DUC is the 18th birthday (rules 205A-D, 304, 104); no home
postcode, so no distance, for a UASC child (406); nothing invalid or short-break postcodes
written (392c, 398, 420). The last test runs the real DfE validator over two years' returns."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from safehub.looked_after.models import UascStatus
from safehub.people.constants import Sex
from safehub.returns.identity import child_ids_for
from safehub.returns.ssda903.builder import build_903, build_903_return
from safehub.returns.ssda903.scope import CollectionYear
from safehub.returns.ssda903.tables import write_903_csv
from safehub.returns.ssda903.uasc import uasc_ceases_on, uasc_in_year
from safehub.returns.validation.services import run_files

from .care import HOME, MOVED_TO, PLACED, care, child, move

pytestmark = pytest.mark.django_db
YEAR = 2026  # 1 April 2025 to 31 March 2026


def _cid(person: Any) -> str:
    return child_ids_for([person.pk])[person.pk]


def _rows(tables: dict, table: str, person: Any) -> list[dict]:
    return [r for r in tables[table] if r["CHILD"] == _cid(person)]


def _uasc(person: Any, since: date, ceased_on: date | None = None) -> UascStatus:
    period = person.care_periods.first()
    return UascStatus.objects.create(
        person=person, started_on=since, ceased_on=ceased_on, recorded_by=period.recorded_by
    )


def test_duc_is_the_18th_birthday_in_every_year_even_after_a_grant_of_leave() -> None:
    person = child(date(2009, 7, 15), sex=Sex.MALE)
    care(person, date(2024, 9, 1), "V2", "U6")
    # Refugee status granted in 2025: for the 903 he is still a UASC until he is 18.
    _uasc(person, date(2024, 9, 1), ceased_on=date(2025, 2, 1))

    last_year, _ = build_903(YEAR - 1)
    this_year, _ = build_903(YEAR)

    # 205B: last year's DUC is DOB + 18, and this year's equals it while it is still to come.
    assert [r["DUC"] for r in _rows(last_year, "UASC", person)] == [date(2027, 7, 15)]
    assert [(r["SEX"], r["DUC"]) for r in _rows(this_year, "UASC", person)] == [("M", date(2027, 7, 15))]


def test_a_leap_day_birthday_ceases_on_28_february_as_the_validator_counts() -> None:
    assert uasc_ceases_on(date(2008, 2, 29)) == date(2026, 2, 28)
    assert uasc_ceases_on(None) is None


def test_the_uasc_table_holds_children_under_18_at_some_time_in_the_year() -> None:
    cy = CollectionYear(YEAR)
    status = UascStatus(started_on=date(2024, 1, 1))
    # 18 on 1 April 2025: UASC on the first day of the year.
    assert uasc_in_year(status, date(2007, 4, 1), cy)
    # 18 on 31 March 2025: a DUC before the year, which rule 104 refuses.
    assert not uasc_in_year(status, date(2007, 3, 31), cy)
    # Status recorded from after the year.
    assert not uasc_in_year(UascStatus(started_on=date(2026, 4, 1)), date(2010, 1, 1), cy)


def test_a_uasc_child_has_no_home_postcode_but_keeps_the_placement_postcode() -> None:
    person = child(date(2009, 7, 15))
    period = care(person, date(2025, 5, 1), "V2", "U6", home="SO14 7LY")
    move(period, date(2025, 9, 1), "U4")
    _uasc(person, date(2025, 5, 1))

    built = build_903_return(YEAR)

    got = [(r["HOME_POST"], r["PL_POST"]) for r in _rows(built.tables, "Episodes", person)]
    # Rule 406: no distance for a UASC child, so no home postcode to measure it from (169
    # still wants the placement's LA, which comes from PL_POST).
    assert got == [("", PLACED), ("", MOVED_TO)]
    assert not [p for p in built.problems if p.child == _cid(person) and p.table == "Episodes"]


def test_an_unknown_home_postcode_is_blank_and_reported_once() -> None:
    imported = child(date(2012, 1, 1))  # loaded with no address history: no home postcode
    period = care(imported, date(2025, 5, 1), "C2", "U4", home="")
    move(period, date(2025, 9, 1), "U6")
    typed = child(date(2012, 1, 1))
    care(typed, date(2025, 5, 1), "C2", "U4", home="NK")
    spaced = child(date(2012, 1, 1))
    care(spaced, date(2025, 5, 1), "C2", "U4", home=" so147ly ")

    built = build_903_return(YEAR)

    assert [r["HOME_POST"] for r in _rows(built.tables, "Episodes", imported)] == ["", ""]
    assert [r["HOME_POST"] for r in _rows(built.tables, "Episodes", typed)] == [""]
    assert [r["HOME_POST"] for r in _rows(built.tables, "Episodes", spaced)] == [HOME]
    home_problems = [(p.child, p.value) for p in built.problems if p.field == "HOME_POST"]
    # Once per child, not once per episode.
    assert sorted(home_problems) == sorted([(_cid(imported), ""), (_cid(typed), "NK")])


def test_an_invalid_placement_postcode_is_blank_and_reported() -> None:
    person = child(date(2012, 1, 1))
    care(person, date(2025, 5, 1), "C2", "U4", postcode="ZZ99 3VZ")

    built = build_903_return(YEAR)

    (episode,) = _rows(built.tables, "Episodes", person)
    assert (episode["HOME_POST"], episode["PL_POST"]) == (HOME, "")
    assert [(p.field, p.value) for p in built.problems if p.table == "Episodes"] == [("PL_POST", "ZZ99 3VZ")]


def test_short_breaks_carry_no_postcodes() -> None:
    person = child(date(2012, 1, 1))
    care(person, date(2025, 5, 1), "V3", "U6")

    built = build_903_return(YEAR)

    (episode,) = _rows(built.tables, "Episodes", person)
    # Rule 398 refuses either postcode under V3/V4, and 420 the placement LA derived from PL_POST.
    assert (episode["HOME_POST"], episode["PL_POST"]) == ("", "")
    assert not [p for p in built.problems if p.table == "Episodes"]


# What the builder alone decides for these children; each must be clean in the real validator.
BUILDER_RULES = {
    "104",
    "164",
    "169",
    "205A",
    "205B",
    "205C",
    "205D",
    "304",
    "392c",
    "392d",
    "398",
    "406",
    "420",
}


def test_the_real_validator_finds_no_uasc_or_postcode_fault_across_two_years(
    validator_la: None,
) -> None:
    uasc = child(date(2009, 7, 15), sex=Sex.MALE)
    care(uasc, date(2024, 9, 1), "V2", "U6")
    _uasc(uasc, date(2024, 9, 1), ceased_on=date(2025, 2, 1))
    turned_18 = child(date(2007, 6, 1), sex=Sex.MALE)  # UASC, 18 on 1 June 2025, left care then
    care(turned_18, date(2023, 1, 1), "V2", "U6", ended_on=date(2025, 6, 1), end_reason="E8")
    _uasc(turned_18, date(2023, 1, 1))
    imported = child(date(2012, 1, 1))
    care(imported, date(2024, 9, 1), "C2", "U4", home="")
    typed = child(date(2012, 1, 1))
    care(typed, date(2024, 9, 1), "C2", "U4", home="NK")
    short_breaks = child(date(2012, 1, 1))
    care(short_breaks, date(2024, 9, 1), "V3", "U6")
    settled = child(date(2012, 1, 1))
    care(settled, date(2024, 9, 1), "C2", "U4")

    last_year = write_903_csv(build_903(YEAR - 1)[0])
    result = run_files("903", YEAR, write_903_csv(build_903(YEAR)[0]), prev_files=last_year)

    assert set(result.rules_run) >= BUILDER_RULES
    assert not BUILDER_RULES & set(result.crashed)
    ours = {_cid(p) for p in (uasc, turned_18, imported, typed, short_breaks, settled)}
    faults = {(i.rule_code, i.child_id) for i in result.issues if i.rule_code in BUILDER_RULES}
    assert {f for f in faults if f[1] in ours} == set()
    # An unknown home postcode is blank, so the DfE asks for it (the record must be completed);
    # never for the UASC child, who has none to give.
    asked = {i.child_id for i in result.issues if i.rule_code in {"392a", "392b"}}
    assert asked == {_cid(imported), _cid(typed)}


@pytest.fixture
def validator_la(settings: Any) -> None:
    """The real validators, for Southampton (the council of the postcodes in care.py)."""
    python = Path(settings.SAFEHUB_VALIDATORS_PYTHON)
    if not python.exists():
        pytest.fail(f"The DfE validators are not installed ({python} is missing): run `make validators`.")
    settings.SAFEHUB_LA_CODE = "E06000045"
