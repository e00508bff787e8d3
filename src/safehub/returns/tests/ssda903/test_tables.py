"""The 903 files: exact DfE headers, dates, and the refusal to write a code the DfE does not list."""

import csv
import io
from datetime import date

import pytest

from safehub.returns.ssda903.tables import (
    CODES,
    FILE_NAMES,
    HEADERS,
    DataProblem,
    checked,
    read_903_csv,
    write_903_csv,
)

# STATUTORY.md section 2.1 (the validator's config.py), copied here so a change to either side shows (the validator
# identifies a table by exactly this column set).
EXPECTED = {
    "Header": "CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB",
    "Episodes": "CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN",
    "Reviews": "CHILD, DOB, REVIEW, REVIEW_CODE",
    "UASC": "CHILD, SEX, DOB, DUC",
    "OC2": "CHILD, DOB, SDQ_SCORE, SDQ_REASON, CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK, "
    "HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED",
    "OC3": "CHILD, DOB, IN_TOUCH, ACTIV, ACCOM",
    "AD1": "CHILD, DOB, DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR",
    "PlacedAdoption": "CHILD, DOB, DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED",
    "PrevPerm": "CHILD, DOB, PREV_PERM, LA_PERM, DATE_PERM",
    "Missing": "CHILD, DOB, MISSING, MIS_START, MIS_END",
    "SWEpisodes": "CHILD, DOB, SW_ID, SW_DECOM, SW_DEC, SW_REASON",
    "DoLo": "CHILD, DOB, DOLO_START, DOLO_END",
}


def test_headers_are_the_dfe_headers() -> None:
    assert {name: ", ".join(columns) for name, columns in HEADERS.items()} == EXPECTED


def test_every_table_but_dolo_is_written_with_its_header_even_when_empty() -> None:
    files = write_903_csv({})
    assert sorted(files) == sorted(name for table, name in FILE_NAMES.items() if table != "DoLo")
    for table, name in FILE_NAMES.items():
        if table == "DoLo":
            continue
        assert files[name].decode().splitlines() == [",".join(HEADERS[table])]


def test_dates_are_day_month_year_and_blanks_are_empty() -> None:
    files = write_903_csv(
        {
            "Missing": [
                {"CHILD": "SH1", "DOB": date(2012, 3, 4), "MISSING": "M", "MIS_START": date(2025, 12, 31)}
            ]
        }
    )
    rows = list(csv.reader(io.StringIO(files["missing.csv"].decode())))
    assert rows[1] == ["SH1", "04/03/2012", "M", "31/12/2025", ""]


def test_dolo_is_written_only_when_it_has_rows() -> None:
    files = write_903_csv(
        {"DoLo": [{"CHILD": "SH1", "DOB": date(2010, 1, 1), "DOLO_START": date(2026, 5, 1)}]}
    )
    assert files["dolo.csv"].decode().splitlines()[1] == "SH1,01/01/2010,01/05/2026,"


def test_a_column_the_table_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="UNKNOWN"):
        write_903_csv({"OC3": [{"CHILD": "SH1", "UNKNOWN": "x"}]})


def test_files_read_back_by_their_header_whatever_their_name() -> None:
    files = write_903_csv({"OC3": [{"CHILD": "SH1", "DOB": date(2007, 5, 6), "IN_TOUCH": "YES"}]})
    renamed = {f"renamed_{i}.csv": content for i, content in enumerate(files.values())}
    tables = read_903_csv(renamed)
    assert tables["OC3"] == [
        {"CHILD": "SH1", "DOB": "06/05/2007", "IN_TOUCH": "YES", "ACTIV": "", "ACCOM": ""}
    ]
    assert tables["Episodes"] == []


def test_a_file_that_is_no_903_table_is_named() -> None:
    with pytest.raises(ValueError, match=r"odd\.csv"):
        read_903_csv({"odd.csv": b"CHILD,NAME\r\n"})


def test_a_code_not_on_the_dfe_list_is_left_out_and_reported() -> None:
    problems: list[DataProblem] = []
    assert checked("Z1", "PLACE", child="SH9", table="Episodes", problems=problems) == ""
    assert checked("U4", "PLACE", child="SH9", table="Episodes", problems=problems) == "U4"
    assert checked("", "PLACE", child="SH9", table="Episodes", problems=problems) == ""
    assert [(p.child, p.table, p.field, p.value) for p in problems] == [("SH9", "Episodes", "PLACE", "Z1")]
    assert "Z1" not in CODES["PLACE"]
    assert "H5" not in CODES["PLACE"]
