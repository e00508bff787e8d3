"""`run_import`: load a directory of SSD tables, batch by batch (ADR 0006, decisions 1 to 4).

Per table, in dependency order: check the header, read the rows, and for each batch of rows refuse
what cannot be loaded (orphan references, repeated ids), skip what did not change since the last
run, hand the rest to the table's adapter and record which domain row each SSD row became, in one
transaction with one audit event and the table's progress. A batch the database refuses is redone
row by row, so only the row at fault is refused. Every refusal is an `ImportRejection`, from which
the CSV report is written (`report.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from safehub.looked_after.clocks import period_clocks_sync_many as sync_period_clocks
from safehub.people.imports import bulk
from safehub.platform import clock

from ..constants import ImportStatus
from ..models import ImportRejection, ImportRun, ImportRunTable
from . import _batch, _parallel
from ._reading import Header, Record, count_records, read_header, read_records
from .base import PendingClocks, Problem, SsdTable, finish_of, not_kept_of
from .casework_common import sync_clocks
from .report import write_report
from .tables import load_order

# Rows per transaction: big enough that commits and audit events are a small share of the run,
# small enough that a batch redone row by row (after a database refusal) stays quick.
DEFAULT_BATCH_SIZE = 2_000

# Referrals whose clocks are synced per transaction at the end of a run.
CLOCK_SLICE = 500

Progress = Callable[[int, int, str], object]  # (rows done, rows in the extract, table)


class ImportCannotRun(Exception):
    """The import could not start (no such directory, nothing to resume): nothing was written."""


def run_import(
    directory: Path | str,
    *,
    actor: Any,
    report_path: Path | str | None = None,
    resume: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Progress | None = None,
    workers: int = 1,
) -> ImportRun:
    """Import every `<table>.csv` in `directory`; the run, with `run.notes` for the summary.

    If something outside any one row stops the run (the database goes away, an adapter fails), the
    run is marked failed with the reason and the exception goes on; every committed batch stays, and
    `resume=True` continues from the first batch that was not committed.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ImportCannotRun(f"{folder} is not a directory")
    if batch_size < 1:
        raise ImportCannotRun("The batch size must be at least 1")
    if workers < 1:
        raise ImportCannotRun("The number of workers must be at least 1")
    run = _resumed_run(folder, actor) if resume else _new_run(folder, actor)
    notes: list[str] = []
    tables = load_order()
    registered = {table.name for table in tables}
    files = {path.stem: path for path in sorted(folder.glob("*.csv"))}
    total = sum(count_records(path) for path in files.values())
    done = sum(run.tables.values_list("rows_done", flat=True)) if resume else 0
    state = _State(run=run, total=total, done=done, on_progress=on_progress, workers=workers)
    try:
        for name, path in files.items():
            if name not in registered:
                _unsupported(run, name, path, state)
        # A page cache that holds the indexes (SQLite; durability untouched): at 50,000 children the
        # UUID-keyed indexes outgrow the default 2 MB and every insert read its page back.
        with bulk.load_settings():
            for table in tables:
                if table.name in files:
                    _import_table(table, files[table.name], state, batch_size)
            _sync_clocks(state, resumed=resume)
        created = _batch.created_people(run)
        notes.extend(_batch.dedupe_new_people(actor, created))
    except BaseException as error:
        run.status = ImportStatus.FAILED
        run.failure = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = clock.now()
        run.save(update_fields=["status", "failure", "finished_at", "updated_at"])
        if report_path is not None:
            write_report(run, Path(report_path))
        raise
    # The worker processes counted in the database: this copy of the run has only the parent's.
    run.refresh_from_db(fields=["rows_read", "rows_loaded", "rows_rejected"])
    run.status = ImportStatus.FINISHED
    run.finished_at = clock.now()
    run.save(update_fields=["status", "finished_at", "updated_at"])
    if report_path is not None:
        write_report(run, Path(report_path))
    run.notes = notes  # type: ignore[attr-defined]  # read by the command's summary
    return run


class _State:
    def __init__(
        self, *, run: ImportRun, total: int, done: int, on_progress: Progress | None, workers: int = 1
    ) -> None:
        self.run, self.total, self.done, self.on_progress = run, total, done, on_progress
        self.workers = workers
        # Cases the tables touched: their clocks are synced once, at the end.
        self.pending_clocks = PendingClocks()

    def progress(self, rows: int, table: str) -> None:
        self.done += rows
        if self.on_progress is not None:
            self.on_progress(self.done, self.total, table)


def _sync_clocks(state: _State, *, resumed: bool) -> None:
    """Bring the clock tasks of every case the run touched up to date, as a typed entry would
    (child_protection.clocks, looked_after.clocks), a slice per transaction.

    Done once at the end rather than after each batch: every casework table (assessments, plans,
    visits...) touches the same referrals and every care table the same periods, and syncing per
    batch redid each about a dozen times, a third of the import's time. A resumed run cannot know
    what the stopped one touched, so it syncs every open referral and period.
    """
    from safehub.child_protection.models import Referral
    from safehub.looked_after.models import LookedAfterPeriod

    referrals = set(state.pending_clocks.referrals)
    periods = set(state.pending_clocks.periods)
    if resumed:
        referrals.update(Referral.objects.filter(closed_on__isnull=True).values_list("pk", flat=True))
        periods.update(LookedAfterPeriod.objects.filter(ended_on__isnull=True).values_list("pk", flat=True))
    if state.workers > 1 and _parallel.can_fork() and len(referrals) + len(periods) > CLOCK_SLICE:
        _parallel.sync_clocks_in_shares(
            PendingClocks(referrals, periods),
            state.workers,
            CLOCK_SLICE,
            on_slice=lambda _: state.progress(0, "clock tasks"),
        )
        state.pending_clocks.clear()
        return
    for sync, ids in ((sync_clocks, referrals), (sync_period_clocks, periods)):
        ordered = sorted(ids, key=str)
        for start in range(0, len(ordered), CLOCK_SLICE):
            with transaction.atomic():
                sync(ordered[start : start + CLOCK_SLICE])
            if state.on_progress is not None:
                state.on_progress(state.done, state.total, "clock tasks")
    state.pending_clocks.clear()


def _new_run(folder: Path, actor: Any) -> ImportRun:
    return ImportRun.objects.create(directory=str(folder.resolve()), started_by=actor)


def _resumed_run(folder: Path, actor: Any) -> ImportRun:
    """A new run carrying on the latest unfinished one: its committed batches count as done."""
    previous = ImportRun.objects.exclude(status=ImportStatus.FINISHED).order_by("-created_at").first()
    if previous is None:
        raise ImportCannotRun("There is no unfinished import to resume; run it without --resume")
    if previous.directory != str(folder.resolve()):
        raise ImportCannotRun(
            f"The latest unfinished import was of {previous.directory}, not {folder.resolve()}: "
            "resume it with that directory"
        )
    with transaction.atomic():
        run = ImportRun.objects.create(
            directory=previous.directory,
            started_by=actor,
            resumed_from=previous,
            rows_read=previous.rows_read,
            rows_loaded=previous.rows_loaded,
            rows_rejected=previous.rows_rejected,
        )
        ImportRunTable.objects.bulk_create(
            ImportRunTable(
                run=run,
                table=old.table,
                part=old.part,
                parts=old.parts,
                rows=old.rows,
                batches_done=old.batches_done,
                rows_done=old.rows_done,
                loaded=old.loaded,
                rejected=old.rejected,
                # A table finished in the run being resumed is checked again (`finish`) at the end.
                finished=False if finish_of_name(old.table) else old.finished,
            )
            for old in previous.tables.all()
        )
        # The refusals already reported stay in the report of the run that carries on.
        ImportRejection.objects.bulk_create(
            ImportRejection(run=run, table=old.table, row_id=old.row_id, field=old.field, problem=old.problem)
            for old in previous.rejections.all()
        )
        previous.failure = (previous.failure + f"\nResumed by run {run.pk}.").strip()
        previous.save(update_fields=["failure", "updated_at"])
    return run


def finish_of_name(name: str) -> bool:
    return any(table.name == name and finish_of(table) for table in load_order())


def _unsupported(run: ImportRun, name: str, path: Path, state: _State) -> None:
    """A table Safehub does not model: one report line for the whole file, never silence."""
    progress, _ = ImportRunTable.objects.get_or_create(run=run, table=name)
    if progress.finished:
        return
    rows = count_records(path)
    with transaction.atomic():
        ImportRejection.objects.create(
            run=run,
            table=name,
            problem=f"table {name} is not supported by Safehub yet; {rows} rows not loaded",
        )
        progress.rows = progress.rows_done = progress.rejected = rows
        progress.finished = True
        progress.save()
        _batch.count(run, read=rows, rejected=rows)
    state.progress(rows, name)


def _import_table(table: SsdTable, path: Path, state: _State, batch_size: int) -> None:
    run = state.run
    header = read_header(path, table)
    parts = _parts(table, header, state)
    shares = [_progress_of(run, table.name, part, parts) for part in range(parts)]
    progress = shares[0]
    if not any(share.rows_done or share.finished for share in shares):
        if parts == 1:
            progress.rows = count_records(path)
            progress.save(update_fields=["rows"])
        _report_columns(run, table, header.extra)
    if all(share.finished for share in shares):
        return
    if parts > 1 and not _parallel.can_fork():
        for part in range(parts):
            _parallel.load_share(
                table,
                path,
                state,
                part,
                parts,
                batch_size,
                on_rows=lambda rows: state.progress(rows, table.name),
            )
    elif parts > 1:
        _parallel.run_shares(
            table,
            path,
            run,
            parts,
            batch_size,
            on_rows=lambda rows: state.progress(rows, table.name),
            pending=state.pending_clocks,
        )
    else:
        records = read_records(path, table.name, table.id_field, header.columns)
        for batch in batches(records, progress.rows_done, batch_size):
            if header.missing:
                problems = _missing_columns(table, batch, header.missing)
                _commit_refusals(state, progress, batch, problems)
            else:
                _batch.load_batch(table, batch, state, progress)
            state.progress(len(batch), table.name)
    finish = finish_of(table)
    with transaction.atomic():
        if finish is not None:
            ctx = _batch.context(run, state)
            problems = finish(ctx)
            # A finish takes refused rows' mappings out of the table itself (care_reconcile);
            # what it recorded is saved like a batch's.
            _batch.remember(ctx, run)
            ImportRejection.objects.bulk_create(_batch.rejection(run, p) for p in problems)
            _count_finish_refusals(run, progress, problems)
        if not header.missing:  # rows refused whole say nothing about their other columns
            _report_not_kept(run, table, path, header.columns, progress)
        ImportRunTable.objects.filter(pk__in=[share.pk for share in shares]).update(finished=True)


def _progress_of(run: ImportRun, table: str, part: int, parts: int) -> ImportRunTable:
    progress, _ = ImportRunTable.objects.get_or_create(
        run=run, table=table, part=part, defaults={"parts": parts}
    )
    return progress


def _parts(table: SsdTable, header: Header, state: _State) -> int:
    """How many processes load the table: as many as the run's workers when the table can be split
    (a file missing a column is refused whole, by one); a resumed table keeps its first count."""
    started = ImportRunTable.objects.filter(run=state.run, table=table.name).values_list("parts", flat=True)
    if started:
        return max(started)
    if state.workers > 1 and not header.missing and _parallel.can_split(table):
        return state.workers
    return 1


def _count_finish_refusals(run: ImportRun, progress: ImportRunTable, problems: list[Problem]) -> None:
    """Rows a finish refused were counted as loaded by their batch: they move to refused."""
    rows = {(problem.table, problem.row_id) for problem in problems if problem.row_id}
    if not rows:
        return
    _batch.count(run, loaded=-len(rows), rejected=len(rows))
    own = sum(1 for table, _ in rows if table == progress.table)
    progress.loaded = max(0, progress.loaded - own)
    progress.rejected += own
    progress.save(update_fields=["loaded", "rejected"])


def batches(records: Iterator[Record], skip: int, size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for number, record in enumerate(records):
        if number < skip:  # committed by the run being resumed
            continue
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _missing_columns(table: SsdTable, batch: Sequence[Record], missing: tuple[str, ...]) -> list[Problem]:
    problems = [record.problem for record in batch if record.problem is not None]
    for record in batch:
        if record.row is None:
            continue
        row_id = record.row.get(table.id_field, "")
        problems.extend(
            Problem(table.name, row_id, column, f"the file has no {column} column") for column in missing
        )
    return problems


def _commit_refusals(
    state: _State, progress: ImportRunTable, batch: Sequence[Record], problems: list[Problem]
) -> None:
    with transaction.atomic():
        ImportRejection.objects.bulk_create(_batch.rejection(state.run, p) for p in problems)
        _batch.advance(state.run, progress, read=len(batch), loaded=0, rejected=len(batch))


def _report_columns(run: ImportRun, table: SsdTable, extra: tuple[str, ...]) -> None:
    ImportRejection.objects.bulk_create(
        ImportRejection(
            run=run,
            table=table.name,
            field=column,
            problem=f"column {column} is not a field of {table.name}; its values were ignored",
        )
        for column in extra
    )


def _report_not_kept(
    run: ImportRun, table: SsdTable, path: Path, columns: tuple[str, ...], progress: ImportRunTable
) -> None:
    """One line per column Safehub has no home for, when any row of the file had a value in it."""
    wanted = [column for column in not_kept_of(table) if column in columns]
    if not wanted or ImportRejection.objects.filter(run=run, table=table.name, field__in=wanted).exists():
        return
    counts = dict.fromkeys(wanted, 0)
    for record in read_records(path, table.name, table.id_field, columns):
        if record.row is not None:
            for column in wanted:
                counts[column] += bool(record.row.get(column))
    ImportRejection.objects.bulk_create(
        ImportRejection(
            run=run,
            table=table.name,
            field=column,
            problem=f"Safehub does not keep {column} yet; the values of {count} rows were not loaded",
        )
        for column, count in counts.items()
        if count
    )
