"""The import's error report: one line per refused row (or refused field, or whole table).

`table,row_id,field,problem`, the interface issue 7 fixes. Cells that a spreadsheet would read as a
formula are prefixed with an apostrophe (R42): the values come from another system's extract.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..models import ImportRejection, ImportRun

HEADER = ("table", "row_id", "field", "problem")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_report(run: ImportRun, path: Path) -> int:
    """Write the run's refusals to `path`; how many lines were written."""
    rows = (
        ImportRejection.objects.filter(run=run)
        .order_by("pk")
        .values_list("table", "row_id", "field", "problem")
    )
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows.iterator(chunk_size=2000):
            writer.writerow([_cell(value) for value in row])
            count += 1
    return count


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@dataclass(frozen=True)
class TableLine:
    table: str
    read: int
    loaded: int
    unchanged: int
    rejected: int


def table_lines(run: ImportRun) -> list[TableLine]:
    """Rows read, loaded, unchanged and refused per table, in the order the tables were loaded (a
    table loaded in shares by several processes is added up: one line)."""
    totals: dict[str, list[int]] = {}
    for progress in run.tables.order_by("pk"):
        counts = totals.setdefault(progress.table, [0, 0, 0])
        counts[0] += progress.rows_done
        counts[1] += progress.loaded
        counts[2] += progress.rejected
    return [
        TableLine(
            table=table,
            read=read,
            loaded=loaded,
            unchanged=max(read - loaded - rejected, 0),
            rejected=rejected,
        )
        for table, (read, loaded, rejected) in totals.items()
    ]


def summary_text(run: ImportRun) -> str:
    lines = [f"{'table':<28} {'read':>8} {'loaded':>8} {'unchanged':>9} {'rejected':>8}"]
    lines += [
        f"{line.table:<28} {line.read:>8,} {line.loaded:>8,} {line.unchanged:>9,} {line.rejected:>8,}"
        for line in table_lines(run)
    ]
    unchanged = sum(line.unchanged for line in table_lines(run))
    lines.append(
        f"{run.rows_read:,} rows read: {run.rows_loaded:,} loaded, {unchanged:,} unchanged, "
        f"{run.rows_rejected:,} rejected"
    )
    return "\n".join(lines)
