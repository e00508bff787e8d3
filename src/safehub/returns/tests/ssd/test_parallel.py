"""The import's worker processes: the casework and care tables loaded in shares of the children
(ADR 0006, `ssd/_parallel.py`).

The workers are forked processes with their own database connections, so these tests commit
(`transaction=True`): a worker cannot see rows inside a test's open transaction.
"""

import csv
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from safehub.accounts.constants import Role
from safehub.child_protection.models import Visit
from safehub.demo.ssd_extract.writer import write_ssd_extract
from safehub.platform import clock
from safehub.returns.constants import ImportStatus
from safehub.returns.models import ImportRejection, ImportRun, ImportRunTable, SsdRecord
from safehub.returns.ssd import _parallel
from safehub.returns.ssd._batch import lock_conflict
from safehub.returns.ssd.base import parallel_of
from safehub.returns.ssd.casework_cp_plans import CpVisitsTable
from safehub.returns.ssd.report import summary_text, table_lines
from safehub.returns.ssd.runner import run_import
from safehub.returns.ssd.tables import load_order

pytestmark = pytest.mark.slow

CHILDREN = 40


@pytest.fixture
def officer(make_user: Any, code_lists: None) -> Any:
    return make_user(Role.DATA_OFFICER)


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    folder = tmp_path / "extract"
    write_ssd_extract(folder, children=CHILDREN, years=6, seed=7, today=clock.today())
    return folder


def _records(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _mapped(run: ImportRun) -> dict[str, int]:
    """Rows each table's SsdRecords say were loaded (a row that became parts counts once)."""
    return {
        table.name: SsdRecord.objects.filter(table=table.name).count()
        for table in load_order()
        if parallel_of(table)
    }


@pytest.mark.django_db(transaction=True)
def test_two_workers_load_what_one_would_and_a_re_run_changes_nothing(officer: Any, extract: Path) -> None:
    run = run_import(extract, actor=officer, workers=2)

    assert run.status == ImportStatus.FINISHED
    # Every splittable table was loaded in two shares, which between them read every row once.
    for table in load_order():
        shares = ImportRunTable.objects.filter(run=run, table=table.name).order_by("part")
        if not shares or not (extract / f"{table.name}.csv").exists():
            continue
        expected_parts = 2 if parallel_of(table) else 1
        assert [s.part for s in shares] == list(range(expected_parts)), table.name
        assert {s.parts for s in shares} == {expected_parts}, table.name
        assert all(s.finished for s in shares), table.name
        assert sum(s.rows_done for s in shares) == len(_records(extract / f"{table.name}.csv")), table.name
    # Nothing of the splittable tables was refused (the generated extract is clean), and each row
    # is one mapping: no row loaded twice, none lost between the shares.
    refused = ImportRejection.objects.filter(run=run, table__in=list(_mapped(run))).exclude(
        problem__startswith="Safehub does not keep "  # a column reported once, not a row refused
    )
    assert list(refused.values_list("table", "row_id", "problem")) == []
    for name, count in _mapped(run).items():
        rows = len(_records(extract / f"{name}.csv"))
        assert count == rows, name
    assert Visit.objects.filter(kind="cp").count() == len(_records(extract / "ssd_cp_visits.csv"))
    # The run's counters were added up by both processes in the database, and agree with its tables.
    lines = table_lines(run)
    assert run.rows_read == sum(line.read for line in lines)
    assert run.rows_loaded == sum(line.loaded for line in lines)
    assert run.rows_rejected == sum(line.rejected for line in lines)
    stored = ImportRun.objects.get(pk=run.pk)
    assert (stored.rows_read, stored.rows_loaded) == (run.rows_read, run.rows_loaded)
    assert len({line.table for line in lines}) == len(lines)  # one summary line per table
    assert "ssd_cp_visits" in summary_text(run)

    second = run_import(extract, actor=officer, workers=2)

    assert second.rows_loaded == 0
    assert _mapped(second) == _mapped(run)
    assert Visit.objects.filter(kind="cp").count() == len(_records(extract / "ssd_cp_visits.csv"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("resume_in_a_transaction", [False, True], ids=["forked", "one-process"])
def test_a_worker_that_fails_stops_the_run_and_resume_finishes_each_share(
    officer: Any, extract: Path, monkeypatch: pytest.MonkeyPatch, resume_in_a_transaction: bool
) -> None:
    visits = _records(extract / "ssd_cp_visits.csv")
    table = CpVisitsTable()
    # The first visit of a child in share 1, placed late in its share so that batches of both
    # shares commit before it: the failure must stop the run, not refuse the row.
    share_one = [row for row in visits if _parallel.part_of(table, row, 2) == 1]
    doomed = share_one[-1]["cppv_cp_visit_id"]
    original = CpVisitsTable.load_row

    def failing(self: Any, row: Any, *args: Any) -> Any:
        if row["cppv_cp_visit_id"] == doomed:
            raise RuntimeError("the disk went away")
        return original(self, row, *args)

    monkeypatch.setattr(CpVisitsTable, "load_row", failing)

    with pytest.raises(
        _parallel.WorkerFailed, match="share 2 of ssd_cp_visits: RuntimeError: the disk went away"
    ):
        run_import(extract, actor=officer, workers=2, batch_size=25)

    failed = ImportRun.objects.get()
    assert failed.status == ImportStatus.FAILED
    assert "the disk went away" in failed.failure
    shares = ImportRunTable.objects.filter(run=failed, table="ssd_cp_visits").order_by("part")
    assert [s.finished for s in shares] == [False, False]
    stopped = shares[1]
    assert 0 < stopped.rows_done < len(share_one)  # it committed some batches before the bad one
    loaded_before = SsdRecord.objects.filter(table="ssd_cp_visits").count()
    assert loaded_before < len(visits)

    monkeypatch.setattr(CpVisitsTable, "load_row", original)
    if resume_in_a_transaction:
        # A forked worker could not see this transaction's rows: the runner loads the two shares
        # one after the other itself.
        with transaction.atomic():
            resumed = run_import(extract, actor=officer, workers=2, resume=True)
    else:
        resumed = run_import(extract, actor=officer, workers=1, resume=True)

    assert resumed.status == ImportStatus.FINISHED
    shares = ImportRunTable.objects.filter(run=resumed, table="ssd_cp_visits").order_by("part")
    # The table keeps its two shares (the worker count given to the resume does not split it anew).
    assert [(s.part, s.parts, s.finished) for s in shares] == [(0, 2, True), (1, 2, True)]
    assert sum(s.rows_done for s in shares) == len(visits)
    assert SsdRecord.objects.filter(table="ssd_cp_visits").count() == len(visits)
    assert Visit.objects.filter(kind="cp").count() == len(visits)  # nothing loaded twice
    assert resumed.rows_read == sum(line.read for line in table_lines(resumed))


def test_a_childs_rows_share_one_process_in_every_table() -> None:
    tables = [t for t in load_order() if parallel_of(t)]
    by_name = {t.name: t for t in tables}
    person = {"cppv_person_id": "P77", "cinv_person_id": "P77", "cont_person_id": "P77"}
    parts = {
        _parallel.part_of(by_name[name], person, 2)
        for name in ("ssd_cp_visits", "ssd_cin_visits", "ssd_contacts")
    }
    assert len(parts) == 1
    # A table without the child's id keeps each owner's rows together (an assessment's factors).
    factors = by_name["ssd_assessment_factors"]
    assert _parallel.partition_column(factors) == "cinf_assessment_id"
    assert _parallel.partition_column(by_name["ssd_cla_reviews"]) == "clar_cla_id"
    # Shares are spread: of 200 children, each of 2 shares gets a fair part.
    spread = [_parallel.part_of(by_name["ssd_contacts"], {"cont_person_id": f"P{n}"}, 2) for n in range(200)]
    assert 60 < spread.count(0) < 140
    # The people tables and the periods of care are never split (matching, alerts, `finish`).
    assert not {"ssd_person", "ssd_address", "ssd_cla_episodes", "ssd_cla_placement"} & set(by_name)


@pytest.mark.django_db
def test_inside_a_transaction_the_tables_are_not_split(officer: Any, extract: Path) -> None:
    # A test's (or a caller's) open transaction holds rows a forked worker could not see.
    assert connection.in_atomic_block
    assert not _parallel.can_split(CpVisitsTable())

    run = run_import(extract, actor=officer, workers=2)

    assert run.status == ImportStatus.FINISHED
    assert set(ImportRunTable.objects.filter(run=run).values_list("parts", flat=True)) == {1}


class _StateError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _raised(error: DatabaseError, cause: BaseException | None) -> DatabaseError:
    try:
        raise error from cause
    except DatabaseError as raised:
        return raised


@pytest.mark.django_db
def test_a_lock_conflict_is_tried_again_and_a_bad_row_is_not() -> None:
    assert lock_conflict(_raised(DatabaseError("deadlock detected"), _StateError("40P01")))
    assert lock_conflict(_raised(DatabaseError("could not serialize access"), _StateError("40001")))
    assert not lock_conflict(_raised(IntegrityError("duplicate key value"), _StateError("23505")))
    assert not lock_conflict(RuntimeError("database is locked"))  # not a database error at all
    locked = DatabaseError("database is locked")
    assert lock_conflict(locked) is (connection.vendor == "sqlite")


@pytest.mark.django_db
def test_staging_a_batch_writes_nothing_until_it_is_written(officer: Any, extract: Path) -> None:
    """The staged half runs outside the batch's transaction (it must not write); only `write` does."""
    run_import(extract, actor=officer)  # everything the visits point at
    Visit.objects.filter(kind="cp").delete()
    SsdRecord.objects.filter(table="ssd_cp_visits").delete()
    from safehub.returns.ssd._batch import _prefetch
    from safehub.returns.ssd.base import LoadContext

    table = CpVisitsTable()
    rows = _records(extract / "ssd_cp_visits.csv")[:30]
    ctx = LoadContext(run=ImportRun.objects.first(), actor=officer, _known=_prefetch(table, rows))
    with transaction.atomic():
        staged = table.stage(rows, ctx)
        assert Visit.objects.filter(kind="cp").count() == 0
        assert staged.write() == []
    assert Visit.objects.filter(kind="cp").count() == 30
