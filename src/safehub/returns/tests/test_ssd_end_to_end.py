"""A generated SSD extract through the importer and back out (issue 7, ADR 0006).

The synthetic-city generator (`demo/ssd_extract`) and the table adapters were written apart; this
test holds them together: a clean extract loads with nothing refused except the tables Safehub does
not model, a second run changes nothing, an export gives back every field Safehub keeps, and the
`--dirty` duplicates end up in the duplicate queue, not as children nobody looks at twice.
"""

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.demo.ssd_extract.writer import write_ssd_extract
from safehub.people.matching.splink_model import linker_settings, weights_from_settings
from safehub.people.models import DuplicateCluster, Person
from safehub.people.services.match import matcher_model_store
from safehub.platform import clock
from safehub.returns.models import ImportRejection, ImportRun, SsdRecord
from safehub.returns.ssd.base import not_kept_of
from safehub.returns.ssd.export import run_export
from safehub.returns.ssd.runner import run_import
from safehub.returns.ssd.tables import load_order

pytestmark = pytest.mark.django_db

CHILDREN = 40

# Tables Safehub has no model for: refused whole, each with its reason (never silently).
UNSUPPORTED = {
    "ssd_early_help_episodes", "ssd_send", "ssd_sen_need", "ssd_ehcp_requests", "ssd_ehcp_assessment",
    "ssd_ehcp_named_plan", "ssd_ehcp_active_plans", "ssd_pre_proceedings", "ssd_voice_of_child",
    "ssd_s251_finance", "ssd_version_log", "ssd_api_data_staging", "ssd_family", "ssd_cla_care_plan",
}  # fmt: skip

# Fields Safehub keeps in another shape, so a round trip cannot give the text back as it was:
# the referral's team and worker are the involvement's current allocation (a later allocation in
# ssd_involvements replaces them).
RESHAPED = {"ssd_cin_episodes": {"cine_referral_team", "cine_referral_worker_id"}}


@pytest.fixture
def officer(make_user: Any, code_lists: None) -> Any:
    return make_user(Role.DATA_OFFICER)


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    folder = tmp_path / "extract"
    write_ssd_extract(folder, children=CHILDREN, years=6, seed=7, today=clock.today())
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _unexpected_rejections(run: ImportRun) -> list[tuple[str, str, str, str]]:
    """Refusals other than whole unsupported tables and columns Safehub has no home for."""
    return [
        (r.table, r.row_id, r.field, r.problem)
        for r in ImportRejection.objects.filter(run=run)
        if r.table not in UNSUPPORTED and not r.problem.startswith("Safehub does not keep ")
    ]


def _same(field: str, given: str, exported: str) -> bool:
    """Equal for what Safehub keeps: JSON flags by the ones set ("N" and absent say the same), an
    address's house number as part of its street line (Safehub keeps address lines)."""
    if given == exported:
        return True
    if not (given.startswith("{") and exported.startswith("{")):
        return False
    before, after = json.loads(given), json.loads(exported)
    if field == "addr_address_json":
        for parts in (before, after):
            house = parts.pop("HOUSE", "")
            parts["STREET"] = " ".join(p for p in (house, parts.get("STREET", "")) if p)
        return bool(before == after)
    return {k for k, v in before.items() if v != "N"} == {k for k, v in after.items() if v != "N"}


def test_a_generated_extract_loads_re_runs_and_round_trips(
    officer: Any, extract: Path, tmp_path: Path
) -> None:
    first = run_import(extract, actor=officer)

    assert _unexpected_rejections(first) == []
    refused_tables = set(ImportRejection.objects.filter(run=first).values_list("table", flat=True))
    assert {"ssd_family", "ssd_cla_care_plan"} <= refused_tables
    assert first.rows_loaded > 20 * CHILDREN  # the city's history, not a handful of rows

    second = run_import(extract, actor=officer)

    assert second.rows_loaded == 0  # every row unchanged: nothing written twice
    assert second.rows_rejected == first.rows_rejected
    assert _unexpected_rejections(second) == []
    assert Person.objects.count() == SsdRecord.objects.filter(table="ssd_person").count()

    out = tmp_path / "export"
    run_export(out, actor=officer)
    differences = []
    for table in load_order():
        if table.name in UNSUPPORTED:
            continue
        given = {row[table.id_field]: row for row in _rows(extract / f"{table.name}.csv")}
        exported = {row[table.id_field]: row for row in _rows(out / f"{table.name}.csv")}
        assert set(given) <= set(exported), f"{table.name}: rows missing from the export"
        kept = [
            f for f in table.fields if f not in not_kept_of(table) and f not in RESHAPED.get(table.name, ())
        ]
        for row_id, row in given.items():
            differences += [
                (table.name, row_id, f, row.get(f, ""), exported[row_id].get(f, ""))
                for f in kept
                if not _same(f, row.get(f) or "", exported[row_id].get(f) or "")
            ]
    assert differences == [], differences[:20]


def test_dirty_duplicates_reach_the_duplicate_queue(officer: Any, tmp_path: Path) -> None:
    settings = linker_settings(None)
    matcher_model_store(
        actor=None,
        settings=settings,
        weights=weights_from_settings(settings),
        metrics={"source": "built-in defaults, for tests"},
        splink_version="5.0.0",
        actor_label="test",
    )
    folder = tmp_path / "dirty"
    write_ssd_extract(folder, children=CHILDREN, years=6, seed=11, today=clock.today(), dirty=0.25)
    duplicate_ids = [
        r["pers_person_id"] for r in _rows(folder / "ssd_person.csv") if r["pers_person_id"][0] == "D"
    ]
    assert duplicate_ids  # the generator made some

    run = run_import(folder, actor=officer)

    assert _unexpected_rejections(run) == []
    # Each duplicate row is a person of its own (the import never merges on its own judgment)...
    people = dict(SsdRecord.objects.filter(table="ssd_person").values_list("source_id", "object_id"))
    assert all(pid in people for pid in duplicate_ids)
    assert len(set(people.values())) == len(people)
    # ...and the matcher put the pairs in the review queue.
    queued = set(DuplicateCluster.objects.values_list("members__person_id", flat=True))
    found = [pid for pid in duplicate_ids if people[pid] in queued]
    assert len(found) >= len(duplicate_ids) * 0.8, f"{len(found)} of {len(duplicate_ids)} duplicates queued"
    assert any("clusters" in note for note in run.notes)  # type: ignore[attr-defined]
