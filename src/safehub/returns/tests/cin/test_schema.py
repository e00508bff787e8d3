"""The census validates against the DfE schema, and our code lists are the schema's."""

import re
from datetime import date

import pytest
from lxml import etree

from safehub.returns.cin import codes
from safehub.returns.cin.builder import census_build
from safehub.returns.cin.schema import census_schema, reference_schema_path, schema_errors

from .cases import assessment, child, cp_plan, referral

XS = "{http://www.w3.org/2001/XMLSchema}"


def _enumerations() -> dict[str, set[str]]:
    root = etree.parse(str(reference_schema_path())).getroot()
    return {
        simple.get("name"): {e.get("value") for e in simple.iter(f"{XS}enumeration")}
        for simple in root.iter(f"{XS}simpleType")
        if simple.get("name")
    }


@pytest.mark.parametrize(
    ("type_name", "ours"),
    [
        ("ethnicitytype", codes.ETHNICITY),
        ("disabilitytype", codes.DISABILITY),
        ("referralsourcetype", codes.REFERRAL_SOURCE),
        ("categoryofabuse", codes.CATEGORY_OF_ABUSE),
        ("primaryneedcodetype", codes.PRIMARY_NEED),
        ("reasonforclosuretype", codes.REASON_FOR_CLOSURE),
        ("assessmentfactorstype", codes.ASSESSMENT_FACTORS),
        ("unknownupntype", codes.UPN_UNKNOWN),
    ],
)
def test_code_lists_are_the_schemas(type_name: str, ours: frozenset[str]) -> None:
    assert _enumerations()[type_name] == set(ours)


def test_the_schema_takes_sex_not_gender_current_and_zero_previous_plans() -> None:
    # The reference file is the 2023-24 shape; census_schema() brings it to 2024-25.
    assert 'name="GenderCurrent"' in reference_schema_path().read_text()
    assert isinstance(census_schema(), etree.XMLSchema)
    person = child("ZEROPREV", date_of_birth=date(2015, 1, 1))
    ref = referral(person, date(2025, 5, 1))
    cp_plan(ref, date(2025, 6, 1))

    xml = census_build(2026, as_of=date(2026, 5, 1)).xml

    assert b"<NumberOfPreviousCPP>0</NumberOfPreviousCPP>" in xml
    assert schema_errors(xml) == []
    broken = xml.replace(b"<Sex>F</Sex>", b"<Sex>2</Sex>")
    assert any("Sex" in error for error in schema_errors(broken))


def test_a_census_with_every_kind_of_child_is_valid() -> None:
    born = child("VALID1", date_of_birth=date(2012, 5, 5), upn_serial=9)
    ref = referral(born, date(2025, 4, 2), closed=date(2025, 7, 1), reason="RC8")
    assessment(ref, date(2025, 4, 3), date(2025, 6, 30), ["21"])
    unborn = child("VALID2", date_of_birth=None, expected_date_of_birth=date(2026, 5, 1), sex="9")
    referral(unborn, date(2026, 2, 1))

    xml = census_build(2026, as_of=date(2026, 5, 1)).xml

    assert schema_errors(xml) == []
    assert re.search(rb"<DateTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d</DateTime>", xml)


def test_a_value_left_out_of_a_required_element_shows_in_the_schema_check() -> None:
    person = child("NOSOURCE")
    referral(person, date(2025, 5, 1), source="ZZ")

    census = census_build(2026, as_of=date(2026, 5, 1))

    assert [(p.field, p.value) for p in census.problems] == [("ReferralSource", "ZZ")]
    assert any("ReferralSource" in error for error in schema_errors(census.xml))
