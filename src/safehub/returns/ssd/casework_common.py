"""What the casework SSD adapters share (issue 7): the row loop, batch writes with history, code
checks, and the clock sync after a batch.

Rows are validated one at a time in Python against the rows already held (read once per batch)
and the rows accepted earlier in the same batch; the accepted rows are then written together with
`people.imports.bulk` (plain INSERTs and keyed UPDATEs, several times quicker than Django's
`bulk_create`/`bulk_update` at a million rows). Tracked models get the history rows
`bulk_create_with_history` would write, so an imported referral's history starts at the import, as
a typed one's starts at its entry. The runner writes the batch's audit event; adapters write none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, ClassVar
from uuid import UUID

from django.db import models

from safehub.child_protection.clocks import referral_clocks_sync_many
from safehub.child_protection.services._rules import Errors
from safehub.people.imports import bulk
from safehub.reference_data.selectors import code_choices

from .base import ExportContext, LoadContext, Problem, Row, RowRefused, Staged, row_hash

HISTORY_REASON = "SSD import"

# CIN census category of abuse codes (reference data) and the words the SSD's own list uses.
CATEGORY_TO_SSD = {
    "NEG": "Neglect",
    "PHY": "Physical Abuse",
    "EMO": "Emotional Abuse",
    "SAB": "Sexual Abuse",
    "MUL": "Multiple",
}
_SSD_TO_CATEGORY = {word.lower(): code for code, word in CATEGORY_TO_SSD.items()}


class Refused(Exception):
    """A row refused for one or more fields at once (from an `Errors` dict of the services' checks)."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def refuse_if(errors: Errors) -> None:
    if errors:
        raise Refused(errors)


@cache
def _codes_cached(key: str, stamp: int) -> frozenset[str]:
    return frozenset(code for code, _label in code_choices(key))


_code_stamp = 0


def codes(key: str) -> frozenset[str]:
    """The codes of a reference list (read once per load; `forget_codes` starts afresh)."""
    return _codes_cached(key, _code_stamp)


def forget_codes() -> None:
    global _code_stamp
    _code_stamp += 1


def check_code(row: Row, name: str, key: str, *, required: bool = False, what: str = "code") -> str:
    text = (row.get(name) or "").strip()
    if not text:
        if required:
            raise RowRefused(name, f"{name} is required")
        return ""
    if text not in codes(key):
        raise RowRefused(name, f"{name} {text!r} is not a {what} on the DfE list")
    return text


def category(row: Row, name: str, *, required: bool) -> str:
    """A category of abuse: the SSD word ("Neglect") or the census code ("NEG") -> the census code."""
    text = (row.get(name) or "").strip()
    if not text:
        if required:
            raise RowRefused(name, f"{name} is required")
        return ""
    code = text.upper() if text.upper() in CATEGORY_TO_SSD else _SSD_TO_CATEGORY.get(text.lower())
    if code is None:
        raise RowRefused(name, f"{name} {text!r} is not a category of abuse on the list")
    return code


def flag_text(value: bool | None, *, yes: str = "Y", no: str = "N") -> str:
    if value is None:
        return ""
    return yes if value else no


def iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def person_of(row: Row, name: str, ctx: LoadContext) -> UUID:
    source = (row.get(name) or "").strip()
    if not source:
        raise RowRefused(name, f"{name} is required")
    found = ctx.person(source)
    if found is None:
        raise RowRefused(name, f"{name} {source!r} is not a person in the extract (no ssd_person row loaded)")
    return found


def known_of(row: Row, name: str, table: str, ctx: LoadContext, *, required: bool = False) -> UUID | None:
    """The domain row an id column points at, refusing an id that was never loaded (an orphan)."""
    source = (row.get(name) or "").strip()
    if not source:
        if required:
            raise RowRefused(name, f"{name} is required")
        return None
    found = ctx.known(table, source)
    if found is None:
        raise RowRefused(name, f"{name} {source!r} is not in {table} (not in the extract, or refused)")
    return found


@dataclass
class Batch:
    """The rows one batch creates and updates, written in model order by `flush`."""

    actor: Any
    creates: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    updates: dict[type[models.Model], dict[Any, models.Model]] = field(default_factory=dict)
    update_fields: dict[type[models.Model], set[str]] = field(default_factory=dict)
    referrals: set[UUID] = field(default_factory=set)
    # Writes that are not one row's insert or update (a contact's subject moved to another child),
    # made after `flush`: staging writes nothing (base.Staged).
    deferred: list[Callable[[], object]] = field(default_factory=list)

    def create(self, obj: models.Model) -> None:
        self.creates.setdefault(type(obj), []).append(obj)

    def update(self, obj: models.Model, fields: Iterable[str]) -> None:
        model = type(obj)
        if any(obj is o for o in self.creates.get(model, [])):
            return  # created in this batch: the insert carries the new values
        self.updates.setdefault(model, {})[obj.pk] = obj
        names = self.update_fields.setdefault(model, set())
        names.update(fields)
        names.add("updated_at")

    def flush(self, order: Sequence[type[models.Model]]) -> None:
        from django.utils import timezone

        now = timezone.now()
        history = {"now": now, "history_user_id": self.actor.pk, "history_reason": HISTORY_REASON}
        for model in order:
            bulk.create(model, self.creates.get(model, []), **history)
        for model in order:
            changed = list(self.updates.get(model, {}).values())
            if not changed:
                continue
            for obj in changed:
                obj.updated_at = now  # type: ignore[attr-defined]
                if hasattr(obj, "updated_by_id"):
                    obj.updated_by = self.actor  # type: ignore[attr-defined]
            fields = sorted(
                self.update_fields[model] | ({"updated_by"} if hasattr(model, "version") else set())
            )
            bulk.update(model, changed, fields, **history)


def sync_clocks(referral_ids: Iterable[UUID]) -> None:
    """Referrals touched by a batch get their clock tasks and caseload level, as a typed entry
    would (child_protection.clocks); a closed one has any task still open cancelled."""
    referral_clocks_sync_many(referral_ids)


class Adapter:
    """The shared row loop. A subclass sets the table's class attributes and writes `prepare`
    (read what the batch needs, once), `load_row` (check and stage one row) and `write`."""

    name: ClassVar[str]
    id_field: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    depends_on: ClassVar[tuple[str, ...]]
    references: ClassVar[dict[str, str]]
    model_label: ClassVar[str]
    # Columns the domain model does not keep: an export writes them empty (or derived, where the
    # docstring says so), so the round trip holds for every other column.
    not_kept: ClassVar[tuple[str, ...]] = ()
    # Each row touches its own child's case only, and nothing is kept from one batch to the next:
    # the runner may load the table's rows in several processes, a share of the children each.
    parallel: ClassVar[bool] = True

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> Any:
        return None

    def load_row(self, row: Row, source_id: str, ctx: LoadContext, state: Any, batch: Batch) -> models.Model:
        raise NotImplementedError

    def write(self, batch: Batch) -> None:
        raise NotImplementedError

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        return self.stage(rows, ctx).write()

    def stage(self, rows: Sequence[Row], ctx: LoadContext) -> Staged:
        """Read, check and stage every row; write nothing until the `Staged` is written (base.py)."""
        problems: list[Problem] = []
        state = self.prepare(rows, ctx)
        batch = Batch(actor=ctx.actor)
        seen: set[str] = set()
        for row in rows:
            source_id = (row.get(self.id_field) or "").strip()
            if not source_id:
                problems.append(Problem(self.name, "", self.id_field, f"{self.id_field} is required"))
                continue
            if source_id in seen:
                problems.append(
                    Problem(
                        self.name, source_id, self.id_field, f"{self.id_field} appears twice in the extract"
                    )
                )
                continue
            seen.add(source_id)
            digest = row_hash(row)
            if ctx.known(self.name, source_id) is not None and ctx.known_hash(self.name, source_id) == digest:
                continue  # loaded before, unchanged
            try:
                obj = self.load_row(row, source_id, ctx, state, batch)
            except RowRefused as exc:
                problems.append(Problem(self.name, source_id, exc.field, exc.problem))
                continue
            except Refused as exc:
                for name, messages in exc.errors.items():
                    problems.extend(Problem(self.name, source_id, name, m) for m in messages)
                continue
            ctx.remember(self.name, source_id, self.model_label, obj.pk, digest)

        def write() -> list[Problem]:
            self.write(batch)
            for change in batch.deferred:
                change()
            if ctx.pending_clocks is None:
                sync_clocks(batch.referrals)
            else:
                ctx.pending_clocks.referrals.update(batch.referrals)
            return problems

        return Staged(write)


def source_id_of(ctx: ExportContext, table: str, object_id: UUID | None, prefix: str) -> str:
    return ctx.ssd_id(table, object_id, prefix) if object_id is not None else ""


def export_rows(fields: Sequence[str], make: Callable[[], Iterable[dict[str, str]]]) -> Iterable[Row]:
    """Rows with every column of `fields` (empty where the adapter has nothing)."""
    for values in make():
        yield {name: values.get(name, "") for name in fields}


def person_ids(ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """Each person's SSD person id as `ssd_person`'s export writes it: the child's return id (the
    imported `pers_person_id`, or the one allocated for a child created in Safehub)."""
    from safehub.returns.identity import child_ids_for

    wanted = sorted({i for i in ids if i is not None})
    found: dict[UUID, str] = {}
    for start in range(0, len(wanted), 900):
        found.update(child_ids_for(wanted[start : start + 900]))
    return found


def present(values: Iterable[UUID | None]) -> set[UUID]:
    """The ids found (a column left empty or not loaded gives None)."""
    return {v for v in values if v is not None}
