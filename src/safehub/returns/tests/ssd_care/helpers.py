"""A stand-in for the SSD runner (being written beside these adapters): it drives the adapters
through the contract in `ssd/base.py` exactly as ADR 0006 says the runner does — tables in
dependency order, `load` per batch, `finish` after a table's last batch, the mapping rows of each
batch saved — so the adapters are tested through their real entry points.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from safehub.people.models import Person
from safehub.people.tests.factories import PersonFactory
from safehub.returns.models import ImportRun, SsdRecord
from safehub.returns.ssd.base import ExportContext, LoadContext, Problem, Row, finish_of
from safehub.returns.ssd.tables import TABLES, load_order

BATCH = 3  # small, so a period's episodes arrive in more than one batch


def table(name: str) -> Any:
    load_order()
    return next(t for t in TABLES if t.name == name)


def person(ssd_id: str, born: date = date(2012, 5, 1)) -> Person:
    found: Person = PersonFactory(date_of_birth=born)  # type: ignore[assignment]
    SsdRecord.objects.create(table="ssd_person", source_id=ssd_id, model="people.person", object_id=found.pk)
    return found


def new_context(actor: Any) -> LoadContext:
    run = ImportRun.objects.create(directory="synthetic", started_by=actor)
    ctx = LoadContext(run=run, actor=actor)
    for rec in SsdRecord.objects.filter(table="ssd_person"):
        ctx._known[("ssd_person", rec.source_id)] = ("people.person", rec.object_id, "")
    for rec in SsdRecord.objects.exclude(table="ssd_person"):
        ctx._known[(rec.table, rec.source_id)] = (rec.model, rec.object_id, rec.row_hash)
    return ctx


def _save_mappings(ctx: LoadContext) -> None:
    for table_name, source_id, model, object_id, digest in ctx._new:
        SsdRecord.objects.update_or_create(
            table=table_name,
            source_id=source_id,
            defaults={"model": model, "object_id": object_id, "row_hash": digest, "run": ctx.run},
        )
    ctx._new.clear()


def run_import(
    actor: Any, extract: Mapping[str, Sequence[Row]], ctx: LoadContext | None = None
) -> list[Problem]:
    """Load an extract (table -> rows) as the runner does; returns every problem."""
    ctx = ctx or new_context(actor)
    problems: list[Problem] = []
    for adapter in load_order():
        rows = extract.get(adapter.name)
        if rows is None:
            continue
        for start in range(0, len(rows), BATCH):
            problems += adapter.load(rows[start : start + BATCH], ctx)
            _save_mappings(ctx)
        finish = finish_of(adapter)
        if finish is not None:
            problems += finish(ctx)
            # The finish may take mappings back (a refused period): the database follows.
            live = {(t, s) for (t, s) in ctx._known}
            for rec in SsdRecord.objects.exclude(table="ssd_person"):
                if (rec.table, rec.source_id) not in live:
                    rec.delete()
            _save_mappings(ctx)
    return problems


def export(actor: Any, name: str) -> list[Row]:
    ctx = ExportContext(actor=actor)
    for rec in SsdRecord.objects.all():
        ctx.source_ids[(rec.table, rec.object_id)] = rec.source_id
    return list(table(name).export(ctx))


def by_id(rows: Sequence[Row], id_field: str) -> dict[str, Row]:
    return {row[id_field]: dict(row) for row in rows}
