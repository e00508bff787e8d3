"""The SSD import runner: batches, refusals, the report, idempotence and resume (issue 7, item 1)."""

from pathlib import Path
from typing import Any

import pytest

from safehub.audit.models import AuditEvent
from safehub.people.constants import IdentifierKind, RelationshipKind
from safehub.people.models import Person, PersonAddress, PersonIdentifier, Relationship
from safehub.returns.constants import ChildIdSource, ImportStatus
from safehub.returns.models import ChildReturnId, ImportRejection, ImportRun, ImportRunTable, SsdRecord
from safehub.returns.ssd.runner import ImportCannotRun, run_import
from safehub.returns.ssd.tables import load_order

from .conftest import people_extract, read_report, write_extract

pytestmark = pytest.mark.django_db


def _problems(run: ImportRun, table: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for rejection in ImportRejection.objects.filter(run=run, table=table):
        found.setdefault(rejection.row_id, []).append((rejection.field, rejection.problem))
    return found


def test_a_clean_extract_loads_every_table(officer: Any, tmp_path: Path) -> None:
    run = run_import(write_extract(tmp_path / "x", people_extract()), actor=officer)

    assert run.status == ImportStatus.FINISHED
    ayla = Person.objects.get(given_name="Ayla")
    assert (ayla.sex, ayla.ethnicity, ayla.gender, ayla.nhs_number) == ("2", "WBRI", "2", "9017265949")
    assert ChildReturnId.objects.get(person=ayla).child_id == "P1001"
    assert ChildReturnId.objects.get(person=ayla).source == ChildIdSource.IMPORTED
    unborn = Person.objects.get(given_name="Eira")
    assert (unborn.date_of_birth, str(unborn.expected_date_of_birth)) == (None, "2026-12-24")
    home = PersonAddress.objects.get(person=ayla)
    assert (home.address.line_1, home.address.postcode, home.address.town) == (
        "12 Quay Street",
        "TR1 2HE",
        "Truro",
    )
    assert Relationship.objects.get(kind=RelationshipKind.PARENT).person_a.given_name == "Carys"
    assert PersonIdentifier.objects.filter(person=ayla, kind=IdentifierKind.UPN).count() == 1
    assert run.rows_read == 12
    assert run.rows_rejected == 0
    assert run.rows_loaded == 12
    assert SsdRecord.objects.filter(table="ssd_person").count() == 5
    # One audit event per batch of each table (all tables fit one batch here).
    batches = AuditEvent.objects.filter(object_type="returns.ssd_batch")
    assert sorted(batches.values_list("section", flat=True)) == sorted(
        [
            "ssd_person",
            "ssd_address",
            "ssd_mother",
            "ssd_linked_identifiers",
            "ssd_department",
            "ssd_professionals",
        ]
    )


def test_refused_rows_are_reported_and_the_rest_of_their_batch_loads(officer: Any, tmp_path: Path) -> None:
    extract = people_extract()
    extract["ssd_person"][1]["pers_dob"] = "2017-13-45"  # bad date
    extract["ssd_person"][2]["pers_ethnicity"] = "ZZZZ"  # unknown code
    extract["ssd_person"].append(
        {
            "pers_person_id": "P-1006!",
            "pers_forename": "Fenn",
            "pers_surname": "Vosper",
            "pers_sex": "M",
            "pers_dob": "2012-02-02",
        }
    )
    extract["ssd_address"][1]["addr_person_id"] = "P9999"  # orphan reference
    report = tmp_path / "report.csv"

    run = run_import(write_extract(tmp_path / "x", extract), actor=officer, report_path=report, batch_size=50)

    people = _problems(run, "ssd_person")
    assert people["P1002"] == [("pers_dob", "pers_dob is not a date in the form YYYY-MM-DD: '2017-13-45'")]
    assert people["P1003"] == [
        ("pers_ethnicity", "pers_ethnicity 'ZZZZ' is not a code of the list cin.ethnicitytype")
    ]
    assert people["P-1006!"][0][0] == "pers_person_id"
    assert "1 to 20 letters and digits" in people["P-1006!"][0][1]
    assert _problems(run, "ssd_address") == {
        "A2": [("addr_person_id", "addr_person_id P9999 is not in ssd_person")]
    }
    # The refused rows did not take their batch with them.
    assert set(Person.objects.values_list("given_name", flat=True)) == {"Ayla", "Dewi", "Eira"}
    # The mother (P1003) was refused, so her row in ssd_mother is an orphan too.
    assert _problems(run, "ssd_mother") == {
        "M1": [("moth_person_id", "moth_person_id P1003 is not in ssd_person")]
    }
    lines = read_report(report)
    assert {
        "table": "ssd_address",
        "row_id": "A2",
        "field": "addr_person_id",
        "problem": "addr_person_id P9999 is not in ssd_person",
    } in lines
    assert list(lines[0]) == ["table", "row_id", "field", "problem"]
    progress = ImportRunTable.objects.get(run=run, table="ssd_person")
    assert (progress.rows, progress.loaded, progress.rejected, progress.finished) == (6, 3, 3, True)


def test_a_table_safehub_does_not_support_is_reported_whole(officer: Any, tmp_path: Path) -> None:
    extract = people_extract()
    extract["ssd_sen_need"] = [{"senn_table_id": str(n), "senn_type": "SEMH"} for n in range(3)]
    report = tmp_path / "report.csv"

    run = run_import(write_extract(tmp_path / "x", extract), actor=officer, report_path=report)

    assert {
        "table": "ssd_sen_need",
        "row_id": "",
        "field": "",
        "problem": "table ssd_sen_need is not supported by Safehub yet; 3 rows not loaded",
    } in read_report(report)
    assert run.rows_rejected == 3


def test_a_cut_off_file_reports_the_broken_line_and_loads_the_rows_before(
    officer: Any, tmp_path: Path
) -> None:
    folder = write_extract(tmp_path / "x", {"ssd_person": people_extract()["ssd_person"][:3]})
    path = folder / "ssd_person.csv"
    text = path.read_text()
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 12])  # the last row cut mid-way

    run = run_import(folder, actor=officer)

    problems = _problems(run, "ssd_person")
    assert list(problems) == ["P1003"]
    field, problem = problems["P1003"][0]
    assert field == "row"
    assert problem.startswith("line 4: ")
    assert "cut-off" in problem
    assert Person.objects.count() == 2


def test_an_unterminated_quote_is_reported_with_its_line(officer: Any, tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x", {"ssd_person": people_extract()["ssd_person"][:2]})
    with (folder / "ssd_person.csv").open("a") as handle:
        handle.write('P1009,"Gwen,Hocking,F,,,2014-01-01')

    run = run_import(folder, actor=officer)

    rejection = ImportRejection.objects.get(run=run, table="ssd_person")
    assert rejection.problem.startswith("line 4: the row cannot be read")
    assert Person.objects.count() == 2


def test_a_missing_column_refuses_every_row_and_an_extra_one_is_reported_once(
    officer: Any, tmp_path: Path
) -> None:
    folder = write_extract(tmp_path / "x", {"ssd_department": people_extract()["ssd_department"]})
    path = folder / "ssd_department.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")  # drop the last column
    (folder / "ssd_mother.csv").write_text(
        "moth_table_id,moth_person_id,moth_childs_person_id,moth_childs_dob,colour\n"
    )

    run = run_import(folder, actor=officer)

    problems = _problems(run, "ssd_department")
    assert problems == {
        "D1": [("dept_team_parent_name", "the file has no dept_team_parent_name column")],
        "D2": [("dept_team_parent_name", "the file has no dept_team_parent_name column")],
    }
    extra = ImportRejection.objects.get(run=run, table="ssd_mother")
    assert (extra.field, extra.problem) == (
        "colour",
        "column colour is not a field of ssd_mother; its values were ignored",
    )


def test_a_second_run_updates_never_duplicates_and_counts_unchanged_rows(
    officer: Any, tmp_path: Path
) -> None:
    extract = people_extract()
    folder = write_extract(tmp_path / "x", extract)
    run_import(folder, actor=officer)
    counts = (
        Person.objects.count(),
        PersonAddress.objects.count(),
        Relationship.objects.count(),
        SsdRecord.objects.count(),
    )

    extract["ssd_person"][0]["pers_surname"] = "Penrose-Hale"
    second = run_import(write_extract(folder, extract), actor=officer)

    assert (
        Person.objects.count(),
        PersonAddress.objects.count(),
        Relationship.objects.count(),
        SsdRecord.objects.count(),
    ) == counts
    assert Person.objects.get(given_name="Ayla").family_name == "Penrose-Hale"
    person_table = ImportRunTable.objects.get(run=second, table="ssd_person")
    assert (person_table.loaded, person_table.rejected, person_table.rows_done) == (1, 0, 5)
    assert second.rows_loaded == 1
    assert second.rows_rejected == 0


def test_the_database_refusing_a_batch_is_redone_row_by_row(officer: Any, tmp_path: Path) -> None:
    """Team names are unique per agency in the database: the second 'Duplicate' fails the INSERT."""
    departments = [
        {"dept_team_id": "D1", "dept_team_name": "Assessment Team North"},
        {"dept_team_id": "D2", "dept_team_name": "Assessment Team North"},
        {"dept_team_id": "D3", "dept_team_name": "Fostering"},
    ]
    run = run_import(write_extract(tmp_path / "x", {"ssd_department": departments}), actor=officer)

    problems = _problems(run, "ssd_department")
    assert list(problems) == ["D2"]
    assert problems["D2"][0][1].startswith("the database already holds a record with these values")
    assert set(SsdRecord.objects.filter(table="ssd_department").values_list("source_id", flat=True)) == {
        "D1",
        "D3",
    }


def test_resume_carries_on_from_the_first_batch_not_committed(
    officer: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    extract = people_extract()
    folder = write_extract(tmp_path / "x", extract)

    table = next(t for t in load_order() if t.name == "ssd_person")
    real_load = type(table).load
    calls = {"n": 0}

    def failing_second_batch(self: Any, rows: Any, ctx: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the server lost power")
        return real_load(self, rows, ctx)

    monkeypatch.setattr(type(table), "load", failing_second_batch)
    with pytest.raises(RuntimeError):
        run_import(folder, actor=officer, batch_size=2)
    failed = ImportRun.objects.get()
    assert failed.status == ImportStatus.FAILED
    assert "the server lost power" in failed.failure
    assert Person.objects.count() == 2  # the first batch stays
    monkeypatch.setattr(type(table), "load", real_load)

    resumed = run_import(folder, actor=officer, batch_size=2, resume=True)

    assert resumed.resumed_from == failed
    assert resumed.status == ImportStatus.FINISHED
    assert Person.objects.count() == 5
    progress = ImportRunTable.objects.get(run=resumed, table="ssd_person")
    assert (progress.rows_done, progress.loaded, progress.batches_done) == (5, 5, 3)
    assert SsdRecord.objects.filter(table="ssd_person").count() == 5


def test_resume_without_an_unfinished_run_cannot_run(officer: Any, tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x", people_extract())
    run_import(folder, actor=officer)
    with pytest.raises(ImportCannotRun, match="no unfinished import"):
        run_import(folder, actor=officer, resume=True)
