"""Shared machinery of the children-in-care SSD adapters (issue 7, ADR 0006).

Each care table is a handful of decisions (which period a row belongs to, which fields it sets, how
it goes back out); the batch mechanics are the same for all: validate every row in Python, collect a
`Problem` per refused row, create the new rows in bulk, update the known ones in bulk, remember
each, and bring the clocks of the open periods touched in step once.

Every write to a tracked model goes through `create_with_history`, `update_with_history` or
`delete_with_history` (R30): a plain `bulk_create`/`bulk_update` skips django-simple-history, and an
imported placement would then have no history, or a history that starts at its first edit in
Safehub. The first two write with `people.imports.bulk`, which writes the history rows
simple-history's bulk helpers would, several times quicker. As in the casework adapters, the history rows name the importing user and the SSD import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from safehub.looked_after.clocks import period_clocks_sync_many
from safehub.looked_after.models import LookedAfterPeriod
from safehub.people.imports import bulk
from safehub.reference_data.selectors import code_list

from ..identity import child_ids_for
from ..models import SsdRecord
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, Staged, row_hash
from .casework_common import HISTORY_REASON

# The period of care (SSD clae_cla_id) is not an SSD table of its own: the episodes name it and
# placements, reviews, visits and permanence point at it. It is remembered under this name.
CLA_TABLE = "ssd_cla"


def create_with_history(model: type[models.Model], objs: Sequence[models.Model], actor: Any) -> None:
    """Insert `objs` in bulk, with their "+" history rows by `actor` for a tracked model."""
    bulk.create(model, objs, now=timezone.now(), history_user_id=actor.pk, history_reason=HISTORY_REASON)


def update_with_history(
    model: type[models.Model], objs: Sequence[models.Model], fields: Iterable[str], actor: Any
) -> None:
    """Write `fields` of `objs` in bulk, with their "~" history rows by `actor` for a tracked model.

    A bulk update never applies `auto_now`, so `updated_at` is set here: the record and its history
    row then say when the import changed it, not when it was last saved before."""
    if not objs:
        return
    names = set(fields)
    now = timezone.now()
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        for obj in objs:
            obj.updated_at = now  # type: ignore[attr-defined]
        names.add("updated_at")
    bulk.update(model, objs, sorted(names), now=now, history_user_id=actor.pk, history_reason=HISTORY_REASON)


def delete_with_history(objs: Sequence[models.Model], actor: Any) -> None:
    """Delete `objs` (one model) and what cascades from them; each tracked row gets its "-" history
    row by `actor`.

    simple-history writes a delete's history row from the `post_delete` signal, taking the user
    and reason from the instance: the collector gathers every instance it will delete (cascades
    included) first, so each is marked before the signal fires."""
    if not objs:
        return
    collector = Collector(using=router.db_for_write(type(objs[0])), origin=objs[0])
    collector.collect(list(objs))
    for instances in collector.data.values():
        for obj in instances:
            obj._history_user = actor  # type: ignore[attr-defined]
            obj._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
    with transaction.atomic(using=collector.using, savepoint=False):
        collector.delete()


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def codes(key: str) -> set[str]:
    """The codes of a reference-data list, every code it has ever held (an extract is history:
    a code withdrawn since is still right for the year it was recorded in)."""
    return set(code_list(key, on=date(1900, 1, 1)).values_list("code", flat=True)) | set(
        code_list(key).values_list("code", flat=True)
    )


def check_code(row: Row, name: str, allowed: set[str], *, what: str, required: bool = False) -> str:
    text = (row.get(name) or "").strip()
    if not text:
        if required:
            raise RowRefused(name, f"{name} is required")
        return ""
    if text not in allowed:
        raise RowRefused(name, f"{name} {text[:20]!r} is not a {what} code in the DfE lists")
    return text


def parse_decimal(row: Row, name: str) -> Decimal | None:
    text = (row.get(name) or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise RowRefused(name, f"{name} is not a number: {text[:20]!r}") from None
    if value < 0 or value >= 100000:
        raise RowRefused(name, f"{name} must be between 0 and 99999.9: {text[:20]!r}")
    return value


def iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def flag(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def not_before(name: str, day: date | None, earlier: date | None, what: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        raise RowRefused(name, f"{name} {day.isoformat()} is before the {what} {earlier.isoformat()}")


def resolve(ctx: LoadContext, table: str, ids: Iterable[str]) -> dict[str, UUID]:
    """SSD id -> domain id for ids of `table`: what the runner prefetched, else the mapping table
    (one query for the batch), so an adapter also works when the runner did not prefetch."""
    found: dict[str, UUID] = {}
    missing = []
    for source_id in {i for i in ids if i}:
        hit = ctx.known(table, source_id)
        if hit is not None:
            found[source_id] = hit
        else:
            missing.append(source_id)
    if missing:
        for source_id, object_id in SsdRecord.objects.filter(table=table, source_id__in=missing).values_list(
            "source_id", "object_id"
        ):
            found[source_id] = object_id
    return found


def person_of(row: Row, name: str, people: dict[str, UUID]) -> UUID:
    pid = (row.get(name) or "").strip()
    if not pid:
        raise RowRefused(name, f"{name} is required")
    person_id = people.get(pid)
    if person_id is None:
        raise RowRefused(name, f"{name} {pid[:40]!r} is not a person in this or an earlier import")
    return person_id


def period_covering(periods: Sequence[LookedAfterPeriod], day: date) -> LookedAfterPeriod | None:
    """The period of care in force on `day` (the later one when one ends the day another starts)."""
    found = None
    for period in sorted(periods, key=lambda p: p.started_on):
        if period.started_on <= day and (period.ended_on is None or day <= period.ended_on):
            found = period
    return found


def periods_by_person(person_ids: Iterable[UUID]) -> dict[UUID, list[LookedAfterPeriod]]:
    out: dict[UUID, list[LookedAfterPeriod]] = {}
    for period in LookedAfterPeriod.objects.filter(person_id__in=set(person_ids)).order_by("started_on"):
        out.setdefault(period.person_id, []).append(period)
    return out


def within(name: str, day: date, period: LookedAfterPeriod) -> None:
    """A row under a period is dated inside it (903 rules 103, 104, 502)."""
    if day < period.started_on:
        raise RowRefused(
            name, f"{name} {day.isoformat()} is before the period of care started {period.started_on}"
        )
    if period.ended_on is not None and day > period.ended_on:
        raise RowRefused(
            name, f"{name} {day.isoformat()} is after the period of care ended {period.ended_on}"
        )


def sync_open_clocks(period_ids: Iterable[UUID], actor: Any) -> None:
    """Clock tasks follow the record, for the periods a write touched; an ended period has any
    task still open cancelled."""
    period_clocks_sync_many(period_ids)


def person_refs(ctx: ExportContext, person_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Person id -> the SSD person id: the imported one, else the child's return id."""
    wanted = set(person_ids)
    out = {
        pid: ctx.source_ids[("ssd_person", pid)] for pid in wanted if ("ssd_person", pid) in ctx.source_ids
    }
    rest = wanted - set(out)
    if rest:
        out.update(child_ids_for(rest))
    return out


@dataclass
class Batch:
    """What the rows of a batch resolved to, shared by `prepare` and `fill`."""

    rows: Sequence[Row]
    people: dict[str, UUID] = field(default_factory=dict)
    periods: dict[UUID, list[LookedAfterPeriod]] = field(default_factory=dict)
    cla: dict[str, LookedAfterPeriod] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class SimpleTable:
    """One SSD table to one model, a row to a row. Subclasses say how a row fills an object
    (`fill`, raising RowRefused) and how an object goes back out (`to_row`)."""

    name: ClassVar[str]
    id_field: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person", "ssd_cla_placement")
    references: ClassVar[dict[str, str]] = {}
    model: ClassVar[type[models.Model]]
    person_field: ClassVar[str] = ""  # the column with the SSD person id
    cla_field: ClassVar[str] = ""  # the column with the SSD period of care id
    export_prefix: ClassVar[str] = "X"
    touches_clocks: ClassVar[bool] = False
    parallel: ClassVar[bool] = False  # see base.parallel_of
    columns: ClassVar[dict[str, str]] = {}  # model field -> SSD column, to name it in a problem

    # --- load ---------------------------------------------------------------------------------------

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        """Resolve what the batch's rows point at, in a few queries."""
        if self.person_field:
            batch.people = resolve(
                ctx, "ssd_person", (r.get(self.person_field, "").strip() for r in batch.rows)
            )
            batch.periods = periods_by_person(batch.people.values())
        if self.cla_field:
            ids = resolve(ctx, CLA_TABLE, (r.get(self.cla_field, "").strip() for r in batch.rows))
            by_id = LookedAfterPeriod.objects.in_bulk(list(ids.values()))
            batch.cla = {sid: by_id[oid] for sid, oid in ids.items() if oid in by_id}

    def cla_period(self, row: Row, batch: Batch) -> LookedAfterPeriod:
        cla_id = required_text(row, self.cla_field)
        period = batch.cla.get(cla_id)
        if period is None:
            raise RowRefused(
                self.cla_field, f"{self.cla_field} {cla_id[:40]!r} is not a period of care that was loaded"
            )
        if self.person_field and (row.get(self.person_field) or "").strip():
            person_id = person_of(row, self.person_field, batch.people)
            if person_id != period.person_id:
                raise RowRefused(
                    self.person_field, f"{self.person_field} is not the child of period {cla_id[:40]!r}"
                )
        return period

    def dated_period(self, row: Row, batch: Batch, day: date, date_field: str) -> LookedAfterPeriod:
        person_id = person_of(row, self.person_field, batch.people)
        period = period_covering(batch.periods.get(person_id, []), day)
        if period is None:
            raise RowRefused(
                date_field, f"{date_field} {day.isoformat()} is in no period of care of this child"
            )
        return period

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        raise NotImplementedError

    def new(self, ctx: LoadContext) -> Any:
        return self.model(recorded_by=ctx.actor, updated_by=ctx.actor)

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        return self.stage(rows, ctx).write()

    def stage(self, rows: Sequence[Row], ctx: LoadContext) -> Staged:
        """Read, check and fill every row; write nothing until the `Staged` is written (base.py)."""
        problems: list[Problem] = []
        batch = Batch(rows=rows)
        self.prepare(batch, ctx)
        known_ids = {rid: ctx.known(self.name, rid) for rid in (row_id(r, self.id_field) for r in rows)}
        existing = self.model._default_manager.in_bulk([oid for oid in known_ids.values() if oid])
        creates: list[Any] = []
        updates: list[Any] = []
        done: list[tuple[str, Any, str]] = []
        seen: set[str] = set()
        for row in rows:
            rid = row_id(row, self.id_field)
            try:
                if not rid:
                    raise RowRefused(self.id_field, f"{self.id_field} is required")
                if rid in seen:
                    raise RowRefused(self.id_field, f"{self.id_field} {rid!r} appears twice in the extract")
                seen.add(rid)
                digest = row_hash(row)
                oid = known_ids.get(rid)
                obj = existing.get(oid) if oid else None
                if obj is not None and ctx.known_hash(self.name, rid) == digest:
                    continue  # unchanged since the run that loaded it
                target: Any = obj if obj is not None else self.new(ctx)
                self.fill(target, row, batch, ctx)
                try:
                    field_check(target)
                except RowRefused as bad:
                    raise RowRefused(self.columns.get(bad.field, bad.field), bad.problem) from None
            except RowRefused as refused:
                problems.append(Problem(self.name, rid, refused.field, refused.problem))
                continue
            if obj is not None:
                target.updated_by = ctx.actor
                target.version = (target.version or 1) + 1
                updates.append(target)
            else:
                creates.append(target)
            done.append((rid, target, digest))
        for rid, target, digest in done:
            ctx.remember(self.name, rid, label(self.model), target.pk, digest)

        def write() -> list[Problem]:
            create_with_history(self.model, creates, ctx.actor)
            update_with_history(self.model, updates, editable_fields(self.model), ctx.actor)
            self.after(done, ctx)
            return problems

        return Staged(write)

    def after(self, done: list[tuple[str, Any, str]], ctx: LoadContext) -> None:
        if not self.touches_clocks:
            return
        touched = (obj.period_id for _rid, obj, _d in done)
        if ctx.pending_clocks is None:
            sync_open_clocks(touched, ctx.actor)
        else:
            ctx.pending_clocks.periods.update(touched)

    # --- export -------------------------------------------------------------------------------------

    def queryset(self) -> Any:
        return self.model._default_manager.all().order_by("pk")

    def person_ids_of(self, objs: Sequence[Any]) -> Iterable[UUID]:
        return (o.period.person_id for o in objs)

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        raise NotImplementedError

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        objs = list(self.queryset())
        people = person_refs(ctx, self.person_ids_of(objs))
        for obj in objs:
            out = dict.fromkeys(self.fields, "")
            out.update(self.to_row(obj, ctx, people))
            yield out


def field_check(obj: models.Model) -> None:
    """The model's own field rules (lengths, blanks), without the per-row foreign key queries of
    `full_clean`: the adapters resolved every reference in bulk already."""
    fks = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.clean_fields(exclude=fks)
    except ValidationError as exc:
        name, texts = next(iter(exc.message_dict.items()))
        raise RowRefused(name, f"{name}: {' '.join(texts)}") from None


def editable_fields(model: type[models.Model]) -> list[str]:
    """Every column an update may rewrite: all but the primary key and when the row was made."""
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "created_at"]


def row_id(row: Row, name: str) -> str:
    return (row.get(name) or "").strip()


def required_text(row: Row, name: str) -> str:
    text = (row.get(name) or "").strip()
    if not text:
        raise RowRefused(name, f"{name} is required")
    return text


def cla_ref(ctx: ExportContext, period_id: UUID) -> str:
    return ctx.ssd_id(CLA_TABLE, period_id, "CLA")


Filler = Callable[[Any, Row, Batch, LoadContext], None]
