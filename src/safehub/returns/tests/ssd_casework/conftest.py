"""Helpers for the casework SSD adapter tests: a load context with its persons, teams and workers
known (as the runner would prefetch them), loads and exports through the adapters directly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from safehub.accounts.tests.factories import TeamFactory, UserFactory
from safehub.people.tests.factories import PersonFactory
from safehub.returns.constants import ChildIdSource
from safehub.returns.models import ChildReturnId, ImportRun
from safehub.returns.ssd.base import ExportContext, LoadContext, Problem, Row
from safehub.returns.ssd.casework_common import Adapter, forget_codes

DOB = date(2015, 3, 1)


@dataclass
class Env:
    actor: Any
    run: Any
    known: dict[tuple[str, str], tuple[str, Any, str]] = field(default_factory=dict)

    def ctx(self) -> LoadContext:
        """A fresh context holding what earlier loads remembered (the runner's SsdRecord)."""
        return LoadContext(run=self.run, actor=self.actor, _known=dict(self.known))

    def child(self, pid: str, **fields: Any) -> Any:
        fields.setdefault("date_of_birth", DOB)
        person = PersonFactory(**fields)
        ChildReturnId.objects.create(person=person, child_id=pid, source=ChildIdSource.IMPORTED)
        self.known[("ssd_person", pid)] = ("people.person", person.pk, "")
        return person

    def team(self, tid: str) -> Any:
        team = TeamFactory()
        self.known[("ssd_department", tid)] = ("accounts.team", team.pk, "")
        return team

    def worker(self, wid: str) -> Any:
        user = UserFactory()
        self.known[("ssd_professionals", wid)] = ("accounts.user", user.pk, "")
        return user

    def load(self, adapter: Adapter, rows: Sequence[Row]) -> list[Problem]:
        ctx = self.ctx()
        full = [{name: row.get(name, "") for name in adapter.fields} for row in rows]
        problems = adapter.load(full, ctx)
        self.known.update(ctx._known)
        return problems

    def export(self, adapter: Adapter) -> list[Row]:
        source_ids = {(table, hit[1]): source for (table, source), hit in self.known.items()}
        return list(adapter.export(ExportContext(actor=self.actor, source_ids=source_ids)))


@pytest.fixture
def env(db: Any, code_lists: Any) -> Env:
    forget_codes()
    actor = UserFactory()
    return Env(actor=actor, run=ImportRun.objects.create(directory="ssd-extract", started_by=actor))


def kept(adapter: Adapter, row: Row) -> Row:
    """The columns the domain keeps (every other one is written back empty or derived)."""
    out = {name: row.get(name, "") for name in adapter.fields if name not in adapter.not_kept}
    for name, value in out.items():
        if name.endswith("_json") and value:
            out[name] = json.dumps(json.loads(value), sort_keys=True)
    return out


def assert_round_trip(env: Env, adapter: Adapter, rows: Sequence[Row]) -> None:
    exported = {row[adapter.id_field]: kept(adapter, row) for row in env.export(adapter)}
    for row in rows:
        assert exported[row[adapter.id_field]] == kept(adapter, row)


def problems_by_field(problems: Sequence[Problem]) -> dict[tuple[str, str], str]:
    """(row id, field) -> every problem reported for it, joined."""
    found: dict[tuple[str, str], str] = {}
    for p in problems:
        key = (p.row_id, p.field)
        found[key] = f"{found[key]} | {p.problem}" if key in found else p.problem
    return found
