"""The SSDA903 tables as the DfE validator reads them: exact headers, code lists, CSV in and out.

The validator identifies a table by its column set (file names are irrelevant, an extra or missing
column is an upload error), so the headers below are the validator's own (`lac_validator/config.py`,
csc-validator-be-903 0.1.17; STATUTORY.md section 2.1). Dates are DD/MM/YYYY.

The code lists are the DfE's for the 2025-26 and 2026-27 collections (validator rules 101, 103,
131-133, 143, 144, 146, 149, 120, 175 and the SW rules; STATUTORY.md section 2.2). A value not on
its list is never written: the builder leaves it out and reports it as a data problem.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Table name -> the exact column list, in the validator's order.
HEADERS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    # 2026-27 (rules 700-710). Safehub records no deprivation of liberty orders yet, so the table
    # is written only when it has rows; the validator skips its rules when the table is absent.
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
# Tables written every year, even when empty: the validator skips the rules of a missing table,
# and an empty table with its header says "none" rather than "not sent".
ALWAYS = tuple(name for name in HEADERS if name != "DoLo")
FILE_NAMES: dict[str, str] = {name: f"{name.lower()}.csv" for name in HEADERS}
TABLE_FOR_FILE = {file_name: name for name, file_name in FILE_NAMES.items()}

DATE_FORMAT = "%d/%m/%Y"

# Field -> the DfE codes it may carry (2025-26 and 2026-27 rulesets).
CODES: dict[str, frozenset[str]] = {
    "SEX": frozenset({"M", "F", "U"}),
    "ETHNIC": frozenset(
        [
            "WBRI",
            "WIRI",
            "WOTH",
            "WIRT",
            "WROM",
            "MWBC",
            "MWBA",
            "MWAS",
            "MOTH",
            "AIND",
            "APKN",
            "ABAN",
            "AOTH",
            "BCRB",
            "BAFR",
            "BOTH",
            "CHNE",
            "OOTH",
            "REFU",
            "NOBT",
        ]
    ),
    "RNE": frozenset({"S", "P", "L", "T", "U", "B"}),
    "LS": frozenset(["C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"]),
    "CIN": frozenset(f"N{n}" for n in range(1, 9)),
    "PLACE": frozenset(
        [
            "A3",
            "A4",
            "A5",
            "A6",
            "K1",
            "K2",
            "K3",
            "P1",
            "P3",
            "R1",
            "R2",
            "R3",
            "R5",
            "S1",
            "T0",
            "T1",
            "T2",
            "T3",
            "T4",
            "U1",
            "U2",
            "U3",
            "U4",
            "U5",
            "U6",
            "Z11",
            "Z12",
            "Z13",
            "Z14",
        ]
    ),
    "PLACE_PROVIDER": frozenset({"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}),
    "REC": frozenset(
        [
            "E11",
            "E12",
            "E2",
            "E3",
            "E4A",
            "E4B",
            "E13",
            "E41",
            "E45",
            "E46",
            "E47",
            "E48",
            "E5",
            "E6",
            "E7",
            "E8",
            "E9",
            "E14",
            "E15",
            "E16",
            "E17",
            "X1",
        ]
    ),
    "REASON_PLACE_CHANGE": frozenset(
        [
            "CARPL",
            "CLOSE",
            "ALLEG",
            "STAND",
            "APPRR",
            "CREQB",
            "CREQO",
            "CHILD",
            "LAREQ",
            "PLACE",
            "CUSTOD",
            "OTHER",
        ]
    ),
    "REVIEW_CODE": frozenset(f"PN{n}" for n in range(8)),
    "MISSING": frozenset({"M", "A"}),
    "SDQ_REASON": frozenset({"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"}),
    "IN_TOUCH": frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}),
    "ACTIV": frozenset(["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"]),
    "ACCOM": frozenset(
        [
            "B1",
            "B2",
            "C1",
            "C2",
            "D1",
            "D2",
            "E1",
            "E2",
            "G1",
            "G2",
            "H1",
            "H2",
            "K1",
            "K2",
            "R1",
            "R2",
            "S2",
            "T1",
            "T2",
            "U1",
            "U2",
            "V1",
            "V2",
            "W1",
            "W2",
            "X2",
            "Y1",
            "Y2",
            "Z1",
            "Z2",
            "0",
        ]
    ),
    "NB_ADOPTR": frozenset({"1", "2"}),
    "SEX_ADOPTR": frozenset({"M1", "F1", "MM", "FF", "MF"}),
    "LS_ADOPTR": frozenset({"L0", "L11", "L12", "L2", "L3", "L4"}),
    "REASON_PLACED_CEASED": frozenset({"RD1", "RD2", "RD3", "RD4"}),
    "PREV_PERM": frozenset({"P1", "P2", "P3", "P4", "Z1"}),
    "SW_REASON": frozenset(
        ["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"]
    ),
}


@dataclass(frozen=True)
class DataProblem:
    """A value the record holds that the return may not carry: fix it in the child's record."""

    child: str  # the return's CHILD id
    table: str
    field: str
    value: str
    problem: str


def checked(value: Any, field: str, *, child: str, table: str, problems: list[DataProblem]) -> str:
    """`value` if it is on the DfE list for `field` (or blank), else blank with a problem noted."""
    text = "" if value is None else str(value).strip()
    if not text or text in CODES[field]:
        return text
    problems.append(
        DataProblem(child, table, field, text, f"{field} {text!r} is not a DfE code, so it was left blank.")
    )
    return ""


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().strftime(DATE_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def write_903_csv(tables: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, bytes]:
    """File name -> CSV bytes, one per table, with the DfE header even when a table has no rows.

    A row with a column the table does not have is a programming error, so it raises rather than
    being written (the validator would refuse the whole file).
    """
    files: dict[str, bytes] = {}
    for name, columns in HEADERS.items():
        rows = list(tables.get(name, ()))
        if name not in ALWAYS and not rows:
            continue
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{name} has no column {', '.join(sorted(unknown))}.")
            writer.writerow({column: format_value(row.get(column)) for column in columns})
        files[FILE_NAMES[name]] = buffer.getvalue().encode("utf-8")
    return files


def read_903_csv(files: Mapping[str, bytes]) -> dict[str, list[dict[str, str]]]:
    """Tables from CSV files (as written by `write_903_csv`): name -> rows of text values.

    A table is recognised by its header, as the validator does, whatever the file is called; a
    file whose header is no 903 table's raises ValueError naming the file.
    """
    by_columns = {columns: name for name, columns in HEADERS.items()}
    tables: dict[str, list[dict[str, str]]] = {}
    for file_name, content in sorted(files.items()):
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        name = by_columns.get(tuple(reader.fieldnames or ()))
        if name is None:
            raise ValueError(f"{file_name}: its header is not the header of any SSDA903 table.")
        tables[name] = [dict(row) for row in reader]
    return tables
