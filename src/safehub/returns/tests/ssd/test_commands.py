"""`safehub returns import-ssd` and `export-ssd`: who may run them, exit status, summary, files."""

import csv
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from safehub.accounts.constants import Role
from safehub.people.models import Person
from safehub.returns.models import ImportRun

from .conftest import people_extract, read_report, write_extract

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("returns", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_with_refused_rows_still_succeeds_and_summarises_each_table(
    officer: Any, tmp_path: Path
) -> None:
    extract = people_extract()
    extract["ssd_person"][0]["pers_sex"] = "X"
    folder = write_extract(tmp_path / "x", extract)
    report = tmp_path / "report.csv"

    out, err = _run("import-ssd", str(folder), "--report", str(report), "--as-user", officer.email)

    assert "ssd_person" in out
    person_line = next(line for line in out.splitlines() if line.startswith("ssd_person "))
    assert person_line.split()[1:] == ["5", "4", "0", "1"]  # read, loaded, unchanged, rejected
    assert "rows were not loaded (every reason is in" in out
    assert "rows/s" in err  # the progress bar
    assert {
        "table": "ssd_person",
        "row_id": "P1001",
        "field": "pers_sex",
        "problem": "pers_sex 'X' is not M, F or U (SSD list sex)",
    } in read_report(report)


def test_a_second_import_counts_unchanged_rows(officer: Any, tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x", people_extract())
    _run("import-ssd", str(folder), "--as-user", officer.email)
    out, _ = _run("import-ssd", str(folder), "--as-user", officer.email)
    person_line = next(line for line in out.splitlines() if line.startswith("ssd_person "))
    assert person_line.split()[1:] == ["5", "0", "5", "0"]
    assert Person.objects.count() == 5


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER])
def test_only_users_who_prepare_returns_may_import_or_export(
    make_user: Any, role: str, tmp_path: Path
) -> None:
    user = make_user(role)
    with pytest.raises(CommandError, match=r"may not (import|export): their role lacks"):
        _run("import-ssd", str(tmp_path), "--as-user", user.email)
    with pytest.raises(CommandError, match=r"may not (import|export): their role lacks"):
        _run("export-ssd", str(tmp_path / "out"), "--as-user", user.email)
    assert not ImportRun.objects.exists()


def test_an_import_that_cannot_run_exits_non_zero(officer: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a directory"):
        _run("import-ssd", str(tmp_path / "missing"), "--as-user", officer.email)
    with pytest.raises(CommandError, match="no user has the email address"):
        _run("import-ssd", str(tmp_path), "--as-user", "nobody@example.invalid")
    with pytest.raises(CommandError, match="no unfinished import"):
        _run("import-ssd", str(tmp_path), "--resume", "--as-user", officer.email)
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        _run("import-ssd", str(tmp_path), "--workers", "0", "--as-user", officer.email)
    assert not ImportRun.objects.exists()


def test_export_writes_every_table_with_its_ssd_header(officer: Any, tmp_path: Path) -> None:
    _run("import-ssd", str(write_extract(tmp_path / "x", people_extract())), "--as-user", officer.email)
    out, _ = _run("export-ssd", str(tmp_path / "out"), "--as-user", officer.email)

    assert "ssd_person: 5 rows" in out
    with (tmp_path / "out" / "ssd_mother.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [
        {
            "moth_table_id": "M1",
            "moth_person_id": "P1003",
            "moth_childs_person_id": "P1001",
            "moth_childs_dob": "2015-03-02",
        }
    ]
    header = (tmp_path / "out" / "ssd_address.csv").read_text().splitlines()[0]
    assert header == (
        "addr_table_id,addr_address_json,addr_person_id,addr_address_type,addr_address_start_date,"
        "addr_address_end_date,addr_address_postcode"
    )
