"""One batch of one table: refuse, skip the unchanged, load, remember, audit, count (runner.py).

A batch commits as a whole with its audit event, its refusals and the table's progress, so a run
stopped between two batches resumes exactly after the last one that committed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.imports import bulk

from ..models import ImportRejection, ImportRun, ImportRunTable, SsdRecord
from ._reading import Record
from .base import LoadContext, PendingClocks, Problem, Row, RowRefused, SsdTable, row_hash, stage_of

# Values per IN (...) list: SQLite's default limit is 32,766 parameters a statement.
_CHUNK = 900
# What a failed batch is redone for, row by row; anything else stops the run (resumable).
_ROW_LEVEL_ERRORS = (DatabaseError, ValidationError, RowRefused)


def context(run: ImportRun, state: Any) -> LoadContext:
    return LoadContext(run=run, actor=run.started_by, pending_clocks=state.pending_clocks)


def rejection(run: ImportRun, problem: Problem) -> ImportRejection:
    return ImportRejection(
        run=run,
        table=problem.table[:60],
        row_id=problem.row_id[:100],
        field=problem.field[:80],
        problem=problem.problem,
    )


def advance(run: ImportRun, progress: ImportRunTable, *, read: int, loaded: int, rejected: int) -> None:
    progress.batches_done += 1
    progress.rows_done += read
    progress.loaded += loaded
    progress.rejected += rejected
    progress.save(update_fields=["batches_done", "rows_done", "loaded", "rejected"])
    count(run, read=read, loaded=loaded, rejected=rejected)


def count(run: ImportRun, *, read: int = 0, loaded: int = 0, rejected: int = 0) -> None:
    """Add to the run's counters in the database, not from this process's copy: several worker
    processes may be counting the same run (`_parallel.py`). Loaded rows a `finish` refuses later
    come off again (a negative `loaded`)."""
    ImportRun.objects.filter(pk=run.pk).update(
        rows_read=F("rows_read") + read,
        rows_loaded=Greatest(F("rows_loaded") + loaded, 0),
        rows_rejected=F("rows_rejected") + rejected,
        updated_at=timezone.now(),
    )
    run.rows_read += read
    run.rows_loaded = max(run.rows_loaded + loaded, 0)
    run.rows_rejected += rejected


def load_batch(table: SsdTable, batch: Sequence[Record], state: Any, progress: ImportRunTable) -> None:
    run = state.run
    problems = [record.problem for record in batch if record.problem is not None]
    rows = [record.row for record in batch if record.row is not None]
    rows, refused = _refuse_repeats(table, rows)
    problems.extend(refused)
    known = _prefetch(table, rows)
    rows, refused = _refuse_orphans(table, rows, known)
    problems.extend(refused)
    digests = _digests(table, known)
    # A row no run has loaded is changed whatever its hash: only a loaded one is hashed here.
    changed = [
        row for row in rows if (digest := digests.get(row[table.id_field])) is None or digest != row_hash(row)
    ]
    unchanged = len(rows) - len(changed)
    for attempt in range(LOCK_RETRIES + 1):
        try:
            staged = _stage(table, changed, run, known, state.pending_clocks)
            with transaction.atomic():
                loaded_problems, verb = staged()
                _finish_batch(
                    table, batch, run, progress, changed, problems + loaded_problems, verb, unchanged
                )
            return
        except _ROW_LEVEL_ERRORS as error:
            if not lock_conflict(error):
                break
            if attempt == LOCK_RETRIES:
                raise  # another writer held on for minutes: stop; the run can be resumed
            time.sleep(0.5 * (attempt + 1))
    # The database (or a model check) refused something in the batch: find the row at fault.
    with transaction.atomic():
        loaded_problems, verb = _load_one_by_one(table, changed, run, known, state.pending_clocks)
        _finish_batch(table, batch, run, progress, changed, problems + loaded_problems, verb, unchanged)


# How often a batch is tried again when another process held the rows or the database it needed
# (a PostgreSQL deadlock, SQLite's busy timeout passed) before the run stops.
LOCK_RETRIES = 5
_LOCK_STATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available


def lock_conflict(error: BaseException) -> bool:
    """Whether `error` says that another writer was in the way, not that the row is wrong: such a
    batch is tried again whole, never refused row by row."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _LOCK_STATES:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(error)


def _stage(
    table: SsdTable, rows: list[Row], run: ImportRun, known: dict[Any, Any], pending_clocks: PendingClocks
) -> Any:
    """Read and check the batch now, outside its transaction, where the adapter can (`stage`);
    the callable returned writes it, inside the transaction, and records the mappings."""
    ctx = LoadContext(run=run, actor=run.started_by, _known=dict(known), pending_clocks=pending_clocks)
    stage = stage_of(table)
    writer: Callable[[], list[Problem]]
    if not rows:
        writer = list
    elif stage is not None:
        writer = stage(rows, ctx).write
    else:  # an adapter that reads and writes in one go: all of it in the transaction
        writer = partial(table.load, rows, ctx)
    updating = any((table.name, row.get(table.id_field, "")) in known for row in rows)

    def write() -> tuple[list[Problem], str]:
        problems = writer()
        _remember(ctx, run)
        return problems, Verb.UPDATE if updating else Verb.CREATE

    return write


def _finish_batch(
    table: SsdTable,
    batch: Sequence[Record],
    run: ImportRun,
    progress: ImportRunTable,
    changed: list[Row],
    problems: list[Problem],
    verb: str,
    unchanged: int,
) -> None:
    refused_rows = _refused_count(table, batch, problems)
    loaded = len({row.get(table.id_field, "") for row in changed} - {p.row_id for p in problems})
    ImportRejection.objects.bulk_create(rejection(run, problem) for problem in problems)
    if changed:
        record_event(
            actor=run.started_by,
            verb=verb,
            object_type="returns.ssd_batch",
            object_id=run.pk,
            section=table.name,
            reason=f"import-ssd batch {progress.batches_done + 1} of {table.name}: {loaded} rows loaded, "
            f"{refused_rows} refused, {unchanged} unchanged",
        )
    advance(run, progress, read=len(batch), loaded=loaded, rejected=refused_rows)


def _refused_count(table: SsdTable, batch: Sequence[Record], problems: list[Problem]) -> int:
    """Rows refused, each once however many reasons it has (a broken line has no id: one each)."""
    ids = {problem.row_id for problem in problems if problem.row_id}
    broken = sum(1 for record in batch if record.problem is not None and not record.problem.row_id)
    return len(ids) + broken


def _load(
    table: SsdTable,
    rows: list[Row],
    run: ImportRun,
    known: dict[Any, Any],
    pending_clocks: PendingClocks | None = None,
) -> tuple[list[Problem], str]:
    ctx = LoadContext(run=run, actor=run.started_by, _known=dict(known), pending_clocks=pending_clocks)
    problems = table.load(rows, ctx) if rows else []
    _remember(ctx, run)
    updating = any((table.name, row.get(table.id_field, "")) in known for row in rows)
    return problems, Verb.UPDATE if updating else Verb.CREATE


def _load_one_by_one(
    table: SsdTable,
    rows: list[Row],
    run: ImportRun,
    known: dict[Any, Any],
    pending_clocks: PendingClocks | None = None,
) -> tuple[list[Problem], str]:
    problems: list[Problem] = []
    for row in rows:
        problems.extend(_load_row(table, row, run, known, pending_clocks))
    updating = any((table.name, row.get(table.id_field, "")) in known for row in rows)
    return problems, Verb.UPDATE if updating else Verb.CREATE


def _load_row(
    table: SsdTable, row: Row, run: ImportRun, known: dict[Any, Any], pending_clocks: PendingClocks | None
) -> list[Problem]:
    row_id = row.get(table.id_field, "")
    for attempt in range(LOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                found, _ = _load(table, [row], run, known, pending_clocks)
                return found
        except RowRefused as refused:
            return [Problem(table.name, row_id, refused.field, refused.problem)]
        except ValidationError as error:
            return _validation_problems(table.name, row_id, error)
        except DatabaseError as error:
            if not lock_conflict(error):
                return [Problem(table.name, row_id, "row", database_words(error))]
            if attempt == LOCK_RETRIES:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")  # the loop returns or raises


def _validation_problems(table: str, row_id: str, error: ValidationError) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [
            Problem(table, row_id, name if name != "__all__" else "row", "; ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    return [Problem(table, row_id, "row", "; ".join(error.messages))]


_UNIQUE = re.compile(r"unique|duplicate key", re.IGNORECASE)
_NOT_NULL = re.compile(r"not[ -]null", re.IGNORECASE)
_CHECK = re.compile(r"check constraint|CHECK constraint failed: (\w+)|violates check constraint \"(\w+)\"")


def database_words(error: DatabaseError) -> str:
    """What the database said, in words a data officer can act on (its own text kept at the end)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, IntegrityError):
        if _UNIQUE.search(text):
            return f"the database already holds a record with these values ({text})"
        if _NOT_NULL.search(text):
            return f"a value the database requires is missing ({text})"
        if _CHECK.search(text):
            return f"the values break a rule of the record ({text})"
    return f"the database refused the row ({text})"


def _refuse_repeats(table: SsdTable, rows: list[Row]) -> tuple[list[Row], list[Problem]]:
    seen: set[str] = set()
    keep, problems = [], []
    for row in rows:
        row_id = row.get(table.id_field, "")
        if not row_id:
            problems.append(Problem(table.name, "", table.id_field, f"{table.id_field} is required"))
            continue
        if row_id in seen:
            problems.append(
                Problem(
                    table.name,
                    row_id,
                    table.id_field,
                    f"{table.id_field} {row_id} appears twice in the batch",
                )
            )
            continue
        seen.add(row_id)
        keep.append(row)
    return keep, problems


def record_parts(table: SsdTable) -> tuple[str, ...]:
    """The "<table>#<part>" names under which `table`'s adapter records the other domain rows a row
    became (an adapter declares them as `record_parts`; most have none)."""
    return tuple(getattr(table, "record_parts", ()))


def _prefetch(table: SsdTable, rows: list[Row]) -> dict[tuple[str, str], tuple[str, UUID, str]]:
    """SsdRecords for the batch's own ids and for every id its rows point at."""
    wanted: dict[str, set[str]] = {table.name: {row[table.id_field] for row in rows}}
    for column, target in table.references.items():
        wanted.setdefault(target, set()).update(row.get(column, "") for row in rows if row.get(column))
    known: dict[tuple[str, str], tuple[str, UUID, str]] = {}
    for target, ids in wanted.items():
        ordered = sorted(ids)
        # A row may have become more than one domain row: an adapter records the others under
        # "<table>#<part>" with the row's own id (e.g. "ssd_permanence#order"); they come too, or a
        # re-run would create those parts a second time. The parts are named, not matched with
        # LIKE: `table = ... OR table LIKE ...` cannot use the (table, source_id) index, so every
        # batch read the whole SsdRecord table (quadratic in the size of the extract).
        names = [target, *record_parts(table)] if target == table.name else [target]
        where = Q(table=target) if len(names) == 1 else Q(table__in=names)
        for start in range(0, len(ordered), _CHUNK):
            query = SsdRecord.objects.filter(where, source_id__in=ordered[start : start + _CHUNK])
            known.update(
                ((name, source_id), (model, object_id, digest))
                for name, source_id, model, object_id, digest in _rows(query)
            )
    return known


def _rows(query: QuerySet[SsdRecord]) -> Iterator[tuple[str, str, str, UUID, str]]:
    """(table, source_id, model, object_id, row_hash) of each record, read with the query Django
    compiles but without its per-value conversion machinery: these are a million rows a run."""
    sql, params = query.values_list(*_RECORD).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, source_id, model, object_id, digest in cursor.fetchall():
            # SQLite hands back the 32 hex digits; PostgreSQL a UUID already.
            yield (
                name,
                source_id,
                model,
                object_id if isinstance(object_id, UUID) else UUID(object_id),
                digest,
            )


_RECORD = ("table", "source_id", "model", "object_id", "row_hash")


def _refuse_orphans(
    table: SsdTable, rows: list[Row], known: dict[tuple[str, str], Any]
) -> tuple[list[Row], list[Problem]]:
    """A row pointing at an id no run has loaded is refused before the adapter sees it."""
    own = {row[table.id_field] for row in rows}
    keep, problems = [], []
    for row in rows:
        missing = [
            Problem(table.name, row[table.id_field], column, f"{column} {row[column]} is not in {target}")
            for column, target in table.references.items()
            if row.get(column)
            and (target, row[column]) not in known
            and not (target == table.name and row[column] in own)
        ]
        if missing:
            problems.extend(missing)
        else:
            keep.append(row)
    return keep, problems


def _digests(table: SsdTable, known: dict[tuple[str, str], tuple[str, UUID, str]]) -> dict[str, str]:
    """Row id -> the hash it was loaded with: under the table's name or, for a row that became only
    a part (a permanence row that is an order alone), under "<table>#<part>"."""
    parts = f"{table.name}#"
    digests: dict[str, str] = {}
    for (name, source_id), (_model, _object_id, digest) in known.items():
        if name == table.name or (name.startswith(parts) and source_id not in digests):
            digests[source_id] = digest
    return digests


def remember(ctx: LoadContext, run: ImportRun) -> None:
    """Save the mappings an adapter recorded (also after its `finish`)."""
    _remember(ctx, run)


def _remember(ctx: LoadContext, run: ImportRun) -> None:
    if not ctx._new:
        return
    latest = {(t, s): (m, o, d) for t, s, m, o, d in ctx._new}
    # Plain INSERT ... ON CONFLICT rows: `bulk_create(update_conflicts=True)` built an instance and
    # compiled a statement per 500 of the million mappings of a city's extract.
    bulk.upsert(
        SsdRecord,
        [
            {"table": t, "source_id": s, "model": m, "object_id": o, "row_hash": d, "run_id": run.pk}
            for (t, s), (m, o, d) in latest.items()
        ],
        unique=["table", "source_id"],
        update=["model", "object_id", "row_hash", "run_id"],
    )


def created_people(run: ImportRun) -> list[UUID]:
    """People whose ssd_person row this run (or the run it resumed) recorded."""
    runs = [run.pk]
    if run.resumed_from_id:
        runs.append(run.resumed_from_id)
    return list(
        SsdRecord.objects.filter(table="ssd_person", run_id__in=runs).values_list("object_id", flat=True)
    )


def dedupe_new_people(actor: Any, people: Iterable[UUID]) -> list[str]:
    """Queue likely duplicates among the people the run loaded (ADR 0006, decision 4).

    `safehub people dedupe` scores the whole index with the active trained model, so new people are
    compared with each other and with everyone already recorded. Without a trained model the import
    still stands: the summary says to train and run dedupe.
    """
    if not list(people):
        return []
    from safehub.accounts.constants import Capability
    from safehub.people.dedupe.command import dedupe
    from safehub.people.matching.splink_model import active_model

    if active_model() is None:
        return [
            "People were not checked for duplicates: no trained matcher model is active. Run "
            "`safehub people train-matcher`, then `safehub people dedupe`."
        ]
    as_user = actor.email if actor.has_capability(Capability.MERGE_PEOPLE) else None
    try:
        result, saved = dedupe(as_user=as_user, out_stream=_Quiet())
    except Exception as error:  # the import stands; the summary says dedupe must be run again
        return [f"Duplicate check failed ({error}); run `safehub people dedupe` after the import."]
    return [
        f"Duplicate check: {result.people:,} people scored, {len(result.clusters):,} clusters, "
        f"{saved.clusters_queued:,} new in the review queue."
    ]


class _Quiet:
    """Splink's step lines would break the import's progress bar: the summary says the outcome."""

    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
