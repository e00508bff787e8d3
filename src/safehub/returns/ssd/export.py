"""`run_export`: every registered SSD table as `<table>.csv` (ADR 0006, decisions 1 and 2).

Rows imported from an SSD extract get their SSD ids back (`SsdRecord`), so an export re-imports onto
the same rows. The header is the adapter's `fields`; adapters give dates as ISO text and JSON fields
as JSON text. One audit event per table written records who took the data out.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..models import SsdRecord
from .base import ExportContext
from .tables import load_order


def export_context(actor: Any) -> ExportContext:
    source_ids = {
        (table, object_id): source_id
        for table, object_id, source_id in SsdRecord.objects.values_list(
            "table", "object_id", "source_id"
        ).iterator(chunk_size=5000)
    }
    return ExportContext(actor=actor, source_ids=source_ids)


def run_export(directory: Path | str, *, actor: Any) -> dict[str, int]:
    """Write every table into `directory` (created if missing); rows written per table."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    ctx = export_context(actor)
    written: dict[str, int] = {}
    for table in load_order():
        count = 0
        with (folder / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.fields)
            for row in table.export(ctx):
                writer.writerow([row.get(name, "") or "" for name in table.fields])
                count += 1
        written[table.name] = count
        record_event(
            actor=actor,
            verb=Verb.EXPORT,
            object_type="returns.ssd_table",
            section=table.name,
            reason=f"export-ssd: {count} rows to {folder}",
        )
    return written
