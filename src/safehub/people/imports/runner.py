"""One import run: read, validate, load in batches, report every refusal as it happens."""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from safehub.accounts.models import Agency
from safehub.platform import clock

from . import bulk, indexes
from .parsing import read_rows
from .services import LOADED_MODELS, people_import_batch
from .validation import ImportRow, Rejection, validate_rows

# Rows per transaction. Each batch costs a commit (an fsync on SQLite), a few lookups and an audit
# event; 10,000 rows (about 200,000 table rows with history and keys) keep that under 2% of the run
# while a batch's working set stays in the tens of MB.
DEFAULT_BATCH_SIZE = 10_000


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_lines: set[int] = field(default_factory=set)

    @property
    def rejected(self) -> int:
        """Rows refused (a row refused for three reasons is one row)."""
        return len(self.rejected_lines)


def run_import(
    stream: TextIO,
    *,
    actor: Any,
    agency: Agency,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_rejection: Callable[[Rejection], object] | None = None,
    on_progress: Callable[[int], object] | None = None,
    on_status: Callable[[str], object] | None = None,
    today: date | None = None,
    defer_indexes: bool = False,
) -> ImportSummary:
    """Import the file; `HeaderError` before anything is written if its header is not the agreed one.

    Each refusal is passed to `on_rejection` as soon as it is known, so a million-row file's error
    report does not wait for (or depend on) the end of the run. `on_progress` gets the number of
    rows read so far after each batch.

    With `defer_indexes` the loaded tables' non-unique indexes are dropped for the load and rebuilt
    at its end, however it ends (`indexes` says why and what stays); `on_status` hears each step.
    """
    summary = ImportSummary()

    def reject(rejection: Rejection) -> None:
        summary.rejected_lines.add(rejection.line)
        if on_rejection is not None:
            on_rejection(rejection)

    validated = validate_rows(read_rows(stream), today=today or clock.today())
    deferring = (
        indexes.deferred(indexes.tables_of(LOADED_MODELS), on_status=on_status)
        if defer_indexes
        else contextlib.nullcontext()
    )
    with bulk.load_settings(), deferring:
        for batch in _batches(validated, batch_size, reject, summary):
            outcome = people_import_batch(actor=actor, agency=agency, rows=batch)
            summary.created += len(outcome.created)
            summary.updated += len(outcome.updated)
            summary.unchanged += outcome.unchanged
            for rejection in sorted(outcome.rejected, key=lambda r: r.line):
                reject(rejection)
            if on_progress is not None:
                on_progress(summary.rows)
    if summary.created or summary.updated:
        # A bulk load leaves SQLite's planner statistics absent or stale, and without them it plans
        # some per-person lookups through the wrong index (a scan of every NHS number: 2 s per
        # person_create at 1M people). About 3 s at 1M rows.
        from ..matching.train import analyse_index_tables

        analyse_index_tables()
    if on_progress is not None:
        on_progress(summary.rows)
    return summary


def _batches(
    validated: Iterator[ImportRow | list[Rejection]],
    size: int,
    reject: Callable[[Rejection], None],
    summary: ImportSummary,
) -> Iterator[list[ImportRow]]:
    batch: list[ImportRow] = []
    for result in validated:
        summary.rows += 1
        if isinstance(result, list):
            for rejection in result:
                reject(rejection)
            continue
        batch.append(result)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
