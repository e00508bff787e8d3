"""The contract between the SSD runner and the table adapters (ADR 0006).

An adapter knows one SSD table: its header, the tables its rows point at, how to load a batch of
rows into the domain model and how to write the domain back out as rows. The runner
(`runner.py`) reads the CSV, batches, commits, resumes, reports and shows progress; adapters never
open files or transactions of their own.

Loading rules every adapter keeps:

- A row that cannot be loaded is refused with `Problem(table, row_id, field, problem)`, naming the
  field, and the rest of its batch still loads (nothing is silently dropped).
- Loading is idempotent: `ctx.known(table, row_id)` says which domain row an SSD row became on an
  earlier run; an adapter updates that row instead of creating a second. `ctx.remember` records it.
- Writes go through the owning app's bulk or service functions (audited once per batch by the
  runner), never around them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID

Row = dict[str, str]


@dataclass(frozen=True)
class Problem:
    table: str
    row_id: str
    field: str
    problem: str


class RowRefused(Exception):
    """Raised inside an adapter for one row: the runner turns it into a Problem and goes on."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def row_hash(row: Row) -> str:
    """A stable fingerprint of a row, so a re-run can skip rows that did not change."""
    return hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()


def parse_date(row: Row, name: str, *, required: bool = False) -> date | None:
    """ISO date (YYYY-MM-DD, or the date part of an ISO timestamp) or None when empty."""
    text = (row.get(name) or "").strip()
    if not text:
        if required:
            raise RowRefused(name, f"{name} is required")
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise RowRefused(name, f"{name} is not a date in the form YYYY-MM-DD: {text[:40]!r}") from None


def parse_json(row: Row, name: str) -> Any:
    """A JSON field's value (object, array), or None when empty."""
    text = (row.get(name) or "").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RowRefused(name, f"{name} is not valid JSON ({exc.msg} at character {exc.pos})") from None


def parse_flag(row: Row, name: str) -> bool | None:
    """Y/N, 1/0, true/false (any case), or None when empty."""
    text = (row.get(name) or "").strip().lower()
    if not text:
        return None
    if text in {"y", "yes", "1", "true", "t"}:
        return True
    if text in {"n", "no", "0", "false", "f"}:
        return False
    raise RowRefused(name, f"{name} must be Y or N: {text[:20]!r}")


def required(row: Row, name: str) -> str:
    text = (row.get(name) or "").strip()
    if not text:
        raise RowRefused(name, f"{name} is required")
    return text


@dataclass
class PendingClocks:
    """The cases whose clock tasks a run brings up to date once, after its last table: every
    casework table touches the same referrals and every care table the same periods, and syncing
    per batch redid each case a dozen times."""

    referrals: set[UUID] = field(default_factory=set)
    periods: set[UUID] = field(default_factory=set)

    def clear(self) -> None:
        self.referrals.clear()
        self.periods.clear()


@dataclass
class LoadContext:
    """What an adapter may ask the runner while loading a batch."""

    run: Any  # ImportRun
    actor: Any
    # (table, source_id) -> (model label, object id, row hash), filled by the runner for a batch's
    # own ids and for the ids its rows point at (prefetch), and by `remember`.
    _known: dict[tuple[str, str], tuple[str, UUID, str]] = field(default_factory=dict)
    _new: list[tuple[str, str, str, UUID, str]] = field(default_factory=list)
    # Cases whose clock tasks the run brings up to date after its last table. None: sync now.
    pending_clocks: PendingClocks | None = None

    def known(self, table: str, source_id: str) -> UUID | None:
        hit = self._known.get((table, source_id))
        return hit[1] if hit else None

    def known_hash(self, table: str, source_id: str) -> str | None:
        hit = self._known.get((table, source_id))
        return hit[2] if hit else None

    def person(self, ssd_person_id: str) -> UUID | None:
        """The Person an SSD person id was loaded into (None: not in this or an earlier run)."""
        return self.known("ssd_person", ssd_person_id)

    def remember(self, table: str, source_id: str, model_label: str, object_id: UUID, digest: str) -> None:
        self._known[(table, source_id)] = (model_label, object_id, digest)
        self._new.append((table, source_id, model_label, object_id, digest))


@dataclass
class ExportContext:
    actor: Any
    # Domain row id -> the SSD id it came from (imported rows keep theirs, so a round trip holds).
    source_ids: dict[tuple[str, UUID], str] = field(default_factory=dict)

    def ssd_id(self, table: str, object_id: UUID, prefix: str) -> str:
        """The SSD id for a domain row: the imported one, else a stable one made from its UUID."""
        return self.source_ids.get((table, object_id)) or f"{prefix}{object_id.hex[:16].upper()}"


class SsdTable(Protocol):
    # Read-only members (properties), so an adapter may declare them as class attributes, with or
    # without ClassVar, and with tuples of a fixed length (read-only members are covariant).
    @property
    def name(self) -> str:  # "ssd_cin_episodes"
        ...

    @property
    def id_field(self) -> str:  # "cine_referral_id"
        ...

    @property
    def fields(self) -> tuple[str, ...]:  # the SSD header, in ssd_fields.csv order
        ...

    @property
    def depends_on(self) -> tuple[str, ...]:
        """SSD tables whose ids this table's rows refer to: the runner loads those first."""
        ...

    @property
    def references(self) -> Mapping[str, str]:
        """Column -> SSD table its value is an id of (e.g. {"cine_person_id": "ssd_person"})."""
        ...

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        """Load what can be loaded; return one Problem per refused row (or refused field)."""
        ...

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        """Every row of this table the domain holds, each with every field of `fields`."""
        ...


# Optional, on an adapter: `finish(self, ctx: LoadContext) -> list[Problem]`. The runner calls it
# once after the table's last batch, in a transaction of its own, for checks that need the whole
# table (a period of care's episodes may arrive in different batches).
def finish_of(table: SsdTable) -> Any:
    return getattr(table, "finish", None)


# Optional, on an adapter: `not_kept: tuple[str, ...]`, the columns of its header Safehub has no
# home for. The runner reports each such column once per table (with how many rows had a value), so
# a council knows what an import leaves behind without every row being refused for it.
def not_kept_of(table: SsdTable) -> tuple[str, ...]:
    return tuple(getattr(table, "not_kept", ()))


@dataclass
class Staged:
    """A batch checked and turned into domain rows, not yet written (`stage` below).

    `write()` writes it and returns the problems; the runner calls it inside the batch's
    transaction, so that only the writing holds the database's write lock (on SQLite, the one lock
    of the whole file) while the reading and checking of the next batch goes on beside it."""

    write: Callable[[], list[Problem]]


# Optional, on an adapter: `stage(self, rows, ctx) -> Staged`, `load` in two halves. The first half
# reads and checks, and writes nothing, so the runner may run it outside the batch's transaction;
# the second half (`Staged.write`) writes. An adapter without it is loaded whole in the transaction.
def stage_of(table: SsdTable) -> Callable[[Sequence[Row], LoadContext], Staged] | None:
    return getattr(table, "stage", None)


# Optional, on an adapter: `parallel = True` says that the table's rows may be loaded by several
# worker processes at once, each taking the rows of its own share of the children (`_parallel.py`):
# a row changes nothing of another child's, and the adapter keeps no state from one batch to the
# next that a later table or `finish` reads. Anything else is loaded by one process.
def parallel_of(table: SsdTable) -> bool:
    return bool(getattr(table, "parallel", False))
