"""Row validation: every refusal carries its line, source_id, field and reason (issue 3, "Bad input")."""

import io
from datetime import date

import pytest

from safehub.people.constants import Sex
from safehub.people.imports import HEADER, HeaderError, ImportRow, Rejection
from safehub.people.imports.parsing import ImportFileError, read_rows
from safehub.people.imports.validation import validate_row, validate_rows

from .conftest import NHS, UPNS, row

TODAY = date(2026, 11, 26)


def _fields(result: ImportRow | list[Rejection]) -> dict[str, str]:
    assert isinstance(result, list), result
    return {rejection.field: rejection.reason for rejection in result}


def test_a_good_row_comes_back_normalised() -> None:
    result = validate_row(
        7, row("A1", nhs_number="943 476 5919", upn=UPNS[0].lower(), postcode="sw1a1aa", sex="m"), today=TODAY
    )
    assert result == ImportRow(
        line=7,
        source_id="A1",
        given_name="Amara",
        family_name="Okafor",
        date_of_birth=date(2015, 3, 4),
        sex=Sex.MALE,
        postcode="SW1A 1AA",
        address_line="1 Test Street",
        nhs_number="9434765919",
        upn=UPNS[0],
    )


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"source_id": ""}, "source_id", "Enter the source system"),
        ({"nhs_number": "9434765918"}, "nhs_number", "check digit does not match"),
        ({"nhs_number": "12345"}, "nhs_number", "must be 10 digits"),
        ({"upn": "A12345"}, "upn", "wrong length"),
        ({"upn": "B" + UPNS[0][1:]}, "upn", "check letter does not match"),
        ({"postcode": "QQ1 1AA"}, "postcode", "Enter a real postcode"),
        ({"date_of_birth": "04/03/2015"}, "date_of_birth", "YYYY-MM-DD"),
        ({"date_of_birth": "2015-02-30"}, "date_of_birth", "not a real date"),
        ({"date_of_birth": "2026-11-27"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "", "sex": "F"}, "date_of_birth", "needs one"),
        ({"sex": "X"}, "sex", "M, F or U"),
        ({"given_name": ""}, "given_name", "Enter the given name"),
        ({"family_name": ""}, "family_name", "Enter the family name"),
        ({"given_name": "A" * 101}, "given_name", "the most is 100"),
        ({"address_line": ""}, "address_line", "first line of the address"),
    ],
)
def test_each_kind_of_bad_value_is_refused_with_its_reason(
    values: dict[str, str], field: str, reason: str
) -> None:
    result = validate_row(3, row("A1") | values, today=TODAY)
    assert isinstance(result, list)
    assert reason in _fields(result)[field]
    assert {(r.line, r.source_id) for r in result} == {(3, values.get("source_id", "A1"))}


def test_every_problem_of_one_row_is_reported_at_once() -> None:
    result = validate_row(4, row("A1", nhs_number="1", upn="2", sex="Q"), today=TODAY)
    assert set(_fields(result)) == {"nhs_number", "upn", "sex"}


def test_empty_cells_other_than_source_id_are_allowed() -> None:
    result = validate_row(
        2,
        row("A1", date_of_birth="", sex="", postcode="", address_line="", nhs_number="", upn=""),
        today=TODAY,
    )
    assert isinstance(result, ImportRow)
    assert (result.sex, result.date_of_birth, result.postcode) == (Sex.UNKNOWN, None, "")


def test_repeats_within_the_file_are_refused_and_the_first_is_kept() -> None:
    rows = [
        (2, row("A1", nhs_number=NHS[0], upn=UPNS[0])),
        (3, row("A1")),
        (4, row("A2", nhs_number="943 476 5919")),
        (5, row("A3", upn=UPNS[0])),
        (6, row("A4", nhs_number=NHS[1])),
    ]
    results = list(validate_rows(rows, today=TODAY))
    assert isinstance(results[0], ImportRow)
    assert _fields(results[1]) == {"source_id": "Repeats the source_id of line 2"}
    assert _fields(results[2]) == {"nhs_number": "Repeats the nhs_number of line 2"}
    assert _fields(results[3]) == {"upn": "Repeats the upn of line 2"}
    assert isinstance(results[4], ImportRow)


def test_a_row_with_the_wrong_number_of_cells_is_refused_with_its_line() -> None:
    text = ",".join(HEADER) + "\nA1,Amara\n"
    [(line, raw)] = list(read_rows(io.StringIO(text)))
    assert line == 2
    assert _fields(validate_row(line, raw, today=TODAY)) == {"row": "The row has 2 cells; the header has 9"}


def test_line_numbers_count_physical_lines() -> None:
    text = ",".join(HEADER) + '\nA1,"Mary\nAnn",Okafor,,U,,,,\n\nA2,Bo,Li,,U,,,,\n'
    assert [line for line, _ in read_rows(io.StringIO(text))] == [2, 5]


@pytest.mark.parametrize(
    "text",
    ["", "source_id,given_name\n", ",".join(reversed(HEADER)) + "\n", ",".join(HEADER) + ",extra\n"],
)
def test_a_header_that_is_not_the_agreed_one_is_a_clear_error(text: str) -> None:
    with pytest.raises(HeaderError, match="source_id,given_name,family_name,date_of_birth"):
        list(read_rows(io.StringIO(text)))


def test_a_spreadsheet_byte_order_mark_is_not_a_header_error() -> None:
    text = "\ufeff" + ",".join(HEADER) + "\nA1,Amara,Okafor,,U,,,,\n"
    assert [line for line, _ in read_rows(io.StringIO(text))] == [2]


def test_broken_quoting_stops_the_file_with_the_line() -> None:
    text = ",".join(HEADER) + '\nA1,Amara,Okafor,,U,,,,\nA2,"Bo"x,Li,,U,,,,\n'
    with pytest.raises(ImportFileError, match="after line 3"):
        list(read_rows(io.StringIO(text)))
