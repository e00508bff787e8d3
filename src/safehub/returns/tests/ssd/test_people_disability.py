"""ssd_disability: CIN codes into the person index through its service, refusals at the field, the
round trip with the rows' own ids, and a changed row withdrawing the old code rather than editing it."""

import csv
from pathlib import Path
from typing import Any

import pytest

from safehub.people.models import PersonDisability
from safehub.returns.models import ImportRejection
from safehub.returns.ssd.export import run_export
from safehub.returns.ssd.runner import run_import

from .conftest import people_extract, write_extract

pytestmark = pytest.mark.django_db


def _row(table_id: str, person_id: str, code: str) -> dict[str, str]:
    return {"disa_table_id": table_id, "disa_person_id": person_id, "disa_disability_code": code}


def _problems(run: Any) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for rejection in ImportRejection.objects.filter(run=run, table="ssd_disability"):
        found.setdefault(rejection.row_id, []).append((rejection.field, rejection.problem))
    return found


def _current() -> list[tuple[str, str]]:
    return sorted(
        PersonDisability.objects.filter(removed_at__isnull=True).values_list("person__given_name", "code")
    )


def _import(tmp_path: Path, rows: list[dict[str, str]], officer: Any, folder: str = "x") -> Any:
    extract = people_extract()
    extract["ssd_disability"] = rows
    return run_import(write_extract(tmp_path / folder, extract), actor=officer)


def test_disabilities_load_through_the_service(officer: Any, tmp_path: Path) -> None:
    run = _import(
        tmp_path,
        [_row("DS1", "P1001", "HEAR"), _row("DS2", "P1001", "aut"), _row("DS3", "P1002", "NONE")],
        officer,
    )
    assert _problems(run) == {}
    assert _current() == [("Ayla", "AUT"), ("Ayla", "HEAR"), ("Bryn", "NONE")]
    assert all(d.updated_by == officer for d in PersonDisability.objects.all())


def test_refused_rows_are_reported_at_the_field_and_the_rest_load(officer: Any, tmp_path: Path) -> None:
    run = _import(
        tmp_path,
        [
            _row("DS1", "P1001", "HEAR"),
            _row("DS2", "P1001", "WINGS"),
            _row("DS3", "P1001", "HEAR"),  # 8794: the same code twice
            _row("DS4", "P1001", "NONE"),  # 8790: NONE beside HEAR
            _row("DS5", "P9999", "VIS"),  # nobody in ssd_person
            _row("DS6", "P1002", ""),
        ],
        officer,
    )
    problems = _problems(run)
    assert problems["DS2"] == [
        ("disa_disability_code", "disa_disability_code 'WINGS' is not a code of the list cin.disabilitytype")
    ]
    assert problems["DS3"] == [
        ("disa_disability_code", "This disability is already recorded for this person.")
    ]
    assert problems["DS4"][0][0] == "disa_disability_code"
    assert '"No disability" cannot be recorded with another disability' in problems["DS4"][0][1]
    assert problems["DS5"] == [("disa_person_id", "disa_person_id P9999 is not in ssd_person")]
    assert problems["DS6"] == [("disa_disability_code", "disa_disability_code is required")]
    assert "DS1" not in problems
    assert _current() == [("Ayla", "HEAR")]


def test_a_second_run_changes_nothing_and_a_changed_row_withdraws_the_old_code(
    officer: Any, tmp_path: Path
) -> None:
    _import(tmp_path, [_row("DS1", "P1001", "HEAR")], officer, "first")
    again = _import(tmp_path, [_row("DS1", "P1001", "HEAR")], officer, "again")
    assert again.rows_rejected == 0
    assert PersonDisability.objects.count() == 1

    _import(tmp_path, [_row("DS1", "P1001", "VIS")], officer, "changed")

    assert _current() == [("Ayla", "VIS")]
    old = PersonDisability.objects.get(code="HEAR")
    assert old.removed_at is not None
    assert old.removed_reason.startswith("Changed in the SSD extract")


def test_a_changed_row_that_is_refused_leaves_the_old_code_standing(officer: Any, tmp_path: Path) -> None:
    _import(tmp_path, [_row("DS1", "P1001", "HEAR"), _row("DS2", "P1001", "VIS")], officer, "first")
    run = _import(tmp_path, [_row("DS1", "P1001", "VIS"), _row("DS2", "P1001", "VIS")], officer, "second")
    assert list(_problems(run)) == ["DS1"]
    assert _current() == [("Ayla", "HEAR"), ("Ayla", "VIS")]


def test_export_writes_current_disabilities_with_their_ids(officer: Any, tmp_path: Path) -> None:
    _import(tmp_path, [_row("DS1", "P1001", "HEAR"), _row("DS2", "P1002", "NONE")], officer)
    withdrawn = PersonDisability.objects.get(code="NONE")
    withdrawn.removed_at = withdrawn.updated_at
    withdrawn.save()

    run_export(tmp_path / "out", actor=officer)

    with (tmp_path / "out" / "ssd_disability.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["disa_person_id", "disa_table_id", "disa_disability_code"]
        assert list(reader) == [
            {"disa_person_id": "P1001", "disa_table_id": "DS1", "disa_disability_code": "HEAR"}
        ]
