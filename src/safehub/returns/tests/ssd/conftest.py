"""A small synthetic SSD extract of the people tables, written as CSV files per test.

Tests start from `people_extract()` (plain dicts, so a test can break one value) and write it with
`write_extract`. Names and numbers are synthetic: NHS numbers from the synthetic range, UPNs built
with the test LA code 999.
"""

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.people.identifiers import make_upn

from ...ssd.tables import load_order

# Synthetic-range NHS numbers (valid check digits, never issued to anyone).
NHS = ["9017265949", "9126321874", "9554915047"]
UPN = [make_upn(serial=1), make_upn(serial=2)]


def fields_of(table: str) -> tuple[str, ...]:
    return next(t.fields for t in load_order() if t.name == table)


def person(pid: str, forename: str, surname: str, sex: str, dob: str, **extra: str) -> dict[str, str]:
    return {
        "pers_person_id": pid,
        "pers_forename": forename,
        "pers_surname": surname,
        "pers_sex": sex,
        "pers_dob": dob,
        **extra,
    }


def people_extract() -> dict[str, list[dict[str, str]]]:
    return {
        "ssd_person": [
            person(
                "P1001",
                "Ayla",
                "Penrose",
                "F",
                "2015-03-02",
                pers_ethnicity="WBRI",
                pers_gender="2",
                pers_common_child_id=NHS[0],
            ),
            person(
                "P1002",
                "Bryn",
                "Penrose",
                "M",
                "2017-08-19",
                pers_ethnicity="WBRI",
                pers_common_child_id=NHS[1],
            ),
            person("P1003", "Carys", "Penrose", "F", "1990-01-30", pers_ethnicity="WBRI"),
            person("P1004", "Dewi", "Tremain", "U", "", pers_expected_dob="2026-12-01"),
            person("P1005", "Eira", "Tremain", "F", "", pers_expected_dob="2026-12-24"),
        ],
        "ssd_address": [
            {
                "addr_table_id": "A1",
                "addr_person_id": "P1001",
                "addr_address_type": "Primary Address",
                "addr_address_json": '{"HOUSE": "12", "STREET": "Quay Street", "TOWN": "Truro"}',
                "addr_address_start_date": "2019-04-01",
                "addr_address_postcode": "TR1 2HE",
            },
            {
                "addr_table_id": "A2",
                "addr_person_id": "P1002",
                "addr_address_type": "Placement",
                "addr_address_json": '{"FLAT": "Flat 3", "BUILDING": "Harbour House", "STREET": "Quay Street"}',
                "addr_address_start_date": "2020-01-01",
                "addr_address_end_date": "2021-06-30",
                "addr_address_postcode": "tr12he",
            },
        ],
        "ssd_mother": [
            {
                "moth_table_id": "M1",
                "moth_person_id": "P1003",
                "moth_childs_person_id": "P1001",
                "moth_childs_dob": "2015-03-02",
            },
        ],
        "ssd_linked_identifiers": [
            {
                "link_table_id": "L1",
                "link_person_id": "P1001",
                "link_identifier_type": "Unique Pupil Number",
                "link_identifier_value": UPN[0],
            },
        ],
        "ssd_department": [
            {"dept_team_id": "D1", "dept_team_name": "Assessment Team North"},
            {"dept_team_id": "D2", "dept_team_name": "Children in Care East", "dept_team_parent_id": "D1"},
        ],
        "ssd_professionals": [
            {
                "prof_professional_id": "W1",
                "prof_staff_id": "S77",
                "prof_professional_name": "Morwenna Hale",
                "prof_professional_job_title": "Social Worker",
                "prof_professional_department": "Assessment Team North",
            },
        ],
    }


def write_extract(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header = (
            fields_of(name) if any(t.name == name for t in load_order()) else tuple(rows[0]) if rows else ()
        )
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: row.get(key, "") for key in header})
    return folder


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def officer(make_user: Callable[..., Any], code_lists: None) -> Any:
    """Returns and data quality officers prepare returns and record people."""
    return make_user(Role.DATA_OFFICER)
