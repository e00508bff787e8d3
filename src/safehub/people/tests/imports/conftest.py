"""Shared pieces for the import tests: an agency, an importing user, a CSV writer."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.people.identifiers import make_upn
from safehub.people.imports import HEADER

AGENCY_CODE = "E09000099"
# Synthetic NHS numbers that pass modulus 11 (the 999 range is never issued to a real patient).
NHS = ["9434765919", "9434765870", "9434765838", "9434765862", "9434765846"]
UPNS = [make_upn(la_code=999, establishment=1234, year=20, serial=n) for n in range(1, 6)]


def row(source_id: str, **values: str) -> dict[str, str]:
    base = {
        "source_id": source_id,
        "given_name": "Amara",
        "family_name": "Okafor",
        "date_of_birth": "2015-03-04",
        "sex": "F",
        "postcode": "SW1A 1AA",
        "address_line": "1 Test Street",
        "nhs_number": "",
        "upn": "",
    }
    return base | values


@pytest.fixture
def agency(db: Any) -> Any:
    from safehub.accounts.tests.factories import AgencyFactory

    return AgencyFactory(ods_code=AGENCY_CODE)


@pytest.fixture
def importer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER, mfa=False)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def _write(rows: list[dict[str, str]], *, header: tuple[str, ...] = HEADER) -> Path:
        path = tmp_path / f"people-{next(counter)}.csv"
        lines = [",".join(header)] + [",".join(r[column] for column in HEADER) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return _write
