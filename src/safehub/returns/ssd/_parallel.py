"""One table's rows loaded by several worker processes, each a share of the children (ADR 0006).

The casework and care-record tables are most of an extract's rows and most of its import time,
and their rows about one child never touch another child's records. So the runner may split such a
table (`base.parallel_of`) by child: every row goes to share `part_of(table, row, parts)`, worked
out from the child's SSD id, and each share is loaded by a forked process of its own, batch by
batch, exactly as one process loads a whole table (`_batch.load_batch`). The runner waits for
every share before the next table starts, so a row never meets a table its references are still
being loaded into; a child's rows stay in one process and in file order, so the checks that compare
a child's rows with each other see the same thing as in one process.

Each share keeps its own progress row (`ImportRunTable.part` of `parts`): a resumed run carries on
each share after its own last committed batch, with the count of shares the table started with.
The workers send their progress, and the cases whose clocks need syncing, to the runner through a
queue; a worker that fails says why, and the runner stops the run with that reason (resumable).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection, connections

from safehub.people.imports import bulk

from ..models import ImportRun, ImportRunTable
from . import _batch
from ._reading import Record, read_header, read_records
from .base import PendingClocks, SsdTable, parallel_of

# More processes than this gain nothing on SQLite (one writer at a time) and little on PostgreSQL
# for an extract of one council: the default is the machine's cores up to it.
MAX_WORKERS = 4


def default_workers() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


class WorkerFailed(Exception):
    """A worker process stopped: the run stops with its reason and can be resumed."""


def can_split(table: SsdTable) -> bool:
    """Whether the runner may load `table` in shares: the adapter says so (`base.parallel_of`), and
    a second process can reach the database (`can_fork`)."""
    return parallel_of(table) and can_fork()


def can_fork() -> bool:
    """Not inside a transaction (a worker could not see its rows), nor a database held in this
    process's memory."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict.get("NAME") or "")
        return bool(name) and ":memory:" not in name and "mode=memory" not in name
    return True


def partition_column(table: SsdTable) -> str:
    """The column whose value decides a row's share: the child's SSD person id where the row has
    one; else the record it belongs to (an assessment's factors, a period's reviews), whose rows
    then stay together; else the row's own id."""
    person = getattr(table, "person_field", "") or next(
        (column for column, target in table.references.items() if target == "ssd_person"), ""
    )
    if person:
        return person
    owner = getattr(table, "cla_field", "") or next(iter(table.references), "")
    return owner or table.id_field


def part_of(table: SsdTable, row: dict[str, str], parts: int) -> int:
    # crc32, not hash(): a resumed run in a new process must put every row in the same share.
    key = (row.get(partition_column(table)) or "").strip()
    return zlib.crc32(key.encode()) % parts


def _share(table: SsdTable, records: Iterator[Record], part: int, parts: int) -> Iterator[Record]:
    for record in records:
        # A line that could not be read has no child: share 0 reports it, once.
        owner = part_of(table, record.row, parts) if record.row is not None else 0
        if owner == part:
            yield record


class _WorkerState:
    """What `_batch.load_batch` asks of the runner's state, inside a worker."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.pending_clocks = PendingClocks()


def run_shares(
    table: SsdTable,
    path: Path,
    run: ImportRun,
    parts: int,
    batch_size: int,
    on_rows: Callable[[int], object],
    pending: PendingClocks,
) -> None:
    """Load `table` from `path` in `parts` processes and wait for them all. `on_rows(n)` is called
    as batches commit; the cases the workers touched are added to `pending`."""
    results = _fork(
        table.name, parts, _work, lambda part: (table.name, path, run.pk, parts, batch_size), on_rows
    )
    for referrals, periods in results:
        pending.referrals.update(referrals)
        pending.periods.update(periods)


def sync_clocks_in_shares(
    pending: PendingClocks, parts: int, slice_size: int, on_slice: Callable[[int], object]
) -> None:
    """The end-of-run clock sync (runner._sync_clocks) in `parts` processes, each the cases of its
    share of the children: a child's referrals share tasks and caseload levels, so they stay in one
    process. `on_slice(n)` is called as each slice of cases commits."""
    from safehub.child_protection.models import Referral
    from safehub.looked_after.models import LookedAfterPeriod

    shares: list[tuple[list[Any], list[Any]]] = [([], []) for _ in range(parts)]
    for index, (model, ids) in enumerate(
        ((Referral, pending.referrals), (LookedAfterPeriod, pending.periods))
    ):
        for child, pk in _children_of(model, sorted(ids, key=str)):
            shares[zlib.crc32(str(child).encode()) % parts][index].append(pk)
    _fork("clock tasks", parts, _sync_share, lambda part: (shares[part], slice_size), on_slice)


def _children_of(model: Any, ids: list[Any]) -> Iterator[tuple[Any, Any]]:
    for start in range(0, len(ids), 900):  # well under SQLite's parameter limit
        for pk, person_id in model.objects.filter(pk__in=ids[start : start + 900]).values_list(
            "pk", "person_id"
        ):
            yield person_id, pk


def _sync_share(part: int, out: Any, share: tuple[list[Any], list[Any]], slice_size: int) -> None:
    from django.db import transaction

    from safehub.looked_after.clocks import period_clocks_sync_many

    from .casework_common import sync_clocks

    for sync, ids in ((sync_clocks, share[0]), (period_clocks_sync_many, share[1])):
        for start in range(0, len(ids), slice_size):
            with transaction.atomic():
                sync(ids[start : start + slice_size])
            out.put(("rows", 0))
    out.put(("done", part, None))


def _fork(
    label: str,
    parts: int,
    target: Callable[..., None],
    args_of: Callable[[int], tuple[Any, ...]],
    on_rows: Callable[[int], object],
) -> list[Any]:
    """Run `target(part, queue, *args_of(part))` in `parts` forked processes and wait for them all;
    what each sent with its "done" message, in part order. A worker sends ("rows", n) as it goes,
    then ("done", part, result); one that raises sends ("failed", part, reason) (`_guarded`)."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    # A forked child must not share the parent's database connection: close it here; each side
    # opens its own when it next needs one.
    connections.close_all()
    workers = [
        context.Process(
            target=_guarded,
            args=(label, target, part, parts, messages, args_of(part)),
            name=f"import-ssd {label} {part + 1}/{parts}",
        )
        for part in range(parts)
    ]
    for worker in workers:
        worker.start()
    failures: list[str] = []
    results: dict[int, Any] = {}
    finished: set[int] = set()
    while len(finished) < parts:
        try:
            message = messages.get(timeout=1)
        except queue.Empty:
            # A worker killed outright (out of memory, a signal) sends nothing: notice it.
            for part, worker in enumerate(workers):
                if part not in finished and not worker.is_alive() and worker.exitcode not in (0, None):
                    failures.append(f"share {part + 1} of {label} stopped (exit code {worker.exitcode})")
                    finished.add(part)
            continue
        kind = message[0]
        if kind == "rows":
            on_rows(message[1])
        elif kind == "done":
            results[message[1]] = message[2]
            finished.add(message[1])
        else:  # "failed"
            failures.append(message[2])
            finished.add(message[1])
    for worker in workers:
        worker.join()
    if connection.vendor == "sqlite":
        # The parent's connection was closed for the fork: its next one gets the bulk page cache
        # again (bulk.load_settings set it on the one that was closed).
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {-bulk.BULK_CACHE_KIB}")
    if failures:
        raise WorkerFailed("; ".join(failures))
    return [results[part] for part in range(parts)]


def _guarded(
    label: str, target: Callable[..., None], part: int, parts: int, out: Any, args: tuple[Any, ...]
) -> None:
    """A worker process's whole life: its own connections, the bulk settings, and a failure sent
    to the parent with its reason rather than lost with the process."""
    try:
        with bulk.load_settings():
            target(part, out, *args)
    except BaseException as error:
        reason = f"share {part + 1} of {label}: {type(error).__name__}: {error}"
        out.put(("failed", part, reason[:1500]))
    finally:
        connections.close_all()


def _work(part: int, out: Any, table_name: str, path: Path, run_pk: Any, parts: int, batch_size: int) -> None:
    """The worker process: load share `part` of the table, then say which cases it touched."""
    from .tables import load_order

    table = next(t for t in load_order() if t.name == table_name)
    run = ImportRun.objects.select_related("started_by").get(pk=run_pk)
    state = _WorkerState(run)
    load_share(table, path, state, part, parts, batch_size, on_rows=lambda rows: out.put(("rows", rows)))
    clocks = state.pending_clocks
    out.put(("done", part, (sorted(clocks.referrals, key=str), sorted(clocks.periods, key=str))))


def load_share(
    table: SsdTable,
    path: Path,
    state: Any,
    part: int,
    parts: int,
    batch_size: int,
    on_rows: Callable[[int], object],
) -> None:
    """Load share `part` of `parts` of the table in this process, after its last committed batch.

    A worker runs it; so does the runner itself for a table a stopped run had split, when it cannot
    fork now (a resume inside a transaction): the shares are then loaded one after the other."""
    from .runner import batches

    progress = ImportRunTable.objects.get(run=state.run, table=table.name, part=part)
    columns = read_header(path, table).columns
    records = _share(table, read_records(path, table.name, table.id_field, columns), part, parts)
    for batch in batches(records, progress.rows_done, batch_size):
        _batch.load_batch(table, batch, state, progress)
        on_rows(len(batch))
    progress.rows = progress.rows_done
    progress.save(update_fields=["rows"])
