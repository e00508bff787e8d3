"""Caseloads: how many open cases each worker holds, counted and weighted (issue 5, item 4).

The count is of open involvements the actor may see (the involvement policy's scope, R19/R22:
a restricted child is not counted for someone who may not open them). The weight of each case
comes from its level: a council's `CaseloadWeight` row, else `DEFAULT_CASELOAD_WEIGHTS`.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from safehub.accounts.constants import Capability
from safehub.accounts.models import Team, TeamMembership
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import DEFAULT_CASELOAD_WEIGHTS, CaseLevel
from ..models import CaseloadWeight, Involvement
from ..policies import involvement_policy


def caseload_weights() -> dict[str, Decimal]:
    """The weight of a case at each level: the council's value, else the default. One query."""
    weights = {level: Decimal(value) for level, value in DEFAULT_CASELOAD_WEIGHTS.items()}
    for row in CaseloadWeight.objects.all():
        weights[row.level] = row.weight
    return weights


@dataclass(frozen=True)
class WeightRow:
    level: str
    label: str
    weight: Decimal
    default: Decimal
    row: CaseloadWeight | None

    @property
    def changed(self) -> bool:
        return self.weight != self.default

    @property
    def weight_text(self) -> str:
        return f"{self.weight.normalize():f}"

    @property
    def default_text(self) -> str:
        return f"{self.default.normalize():f}"


def caseload_weight_rows() -> list[WeightRow]:
    """For the settings page: every level with its weight in force and the default."""
    rows = {row.level: row for row in CaseloadWeight.objects.select_related("updated_by")}
    return [
        WeightRow(
            level=level.value,
            label=level.label,
            weight=rows[level].weight if level in rows else Decimal(DEFAULT_CASELOAD_WEIGHTS[level]),
            default=Decimal(DEFAULT_CASELOAD_WEIGHTS[level]),
            row=rows.get(level),
        )
        for level in CaseLevel
    ]


@dataclass
class CaseloadRow:
    worker: Any
    count: int = 0
    weighted: Decimal = Decimal("0")
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def levels(self) -> list[tuple[str, int]]:
        """(label, count) for each level the worker holds, in the levels' order."""
        return [(level.label, self.by_level[level]) for level in CaseLevel if self.by_level.get(level)]

    @property
    def weighted_text(self) -> str:
        """14.5, 10, 0.5: no trailing zeros, never an exponent."""
        return f"{self.weighted.normalize():f}"

    @property
    def summary(self) -> str:
        """ "12 cases, weighted 14.5": for the allocation choices."""
        return f"{self.count} case{'s' if self.count != 1 else ''}, weighted {self.weighted_text}"


def _rows_for(actor: Any, workers: list[Any]) -> dict[Any, CaseloadRow]:
    weights = caseload_weights()
    rows = {worker.pk: CaseloadRow(worker=worker) for worker in workers}
    open_cases = (
        involvement_policy.scope(actor, Involvement.objects.all(), "view")
        .filter(closed_on__isnull=True, worker_id__in=list(rows))
        .values("worker_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_worker: dict[Any, dict[str, int]] = defaultdict(dict)
    for item in open_cases:
        by_worker[item["worker_id"]][item["level"]] = item["n"]
    for worker_id, levels in by_worker.items():
        row = rows[worker_id]
        row.by_level = levels
        row.count = sum(levels.values())
        row.weighted = sum(
            (weights.get(level, Decimal("1")) * n for level, n in levels.items()), Decimal("0")
        )
    return rows


def caseloads(*, actor: Any, team_id: uuid.UUID | str) -> list[CaseloadRow]:
    """Each member of the team with their open cases, counted and weighted (MANAGE_CASES)."""
    if not actor.has_capability(Capability.MANAGE_CASES):
        raise NotFoundOrForbidden()
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFoundOrForbidden()
    members = [
        m.user
        for m in TeamMembership.objects.filter(team=team, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    ]
    rows = _rows_for(actor, members)
    return [rows[m.pk] for m in members]


@dataclass(frozen=True)
class TeamCaseloads:
    team: Team
    rows: list[CaseloadRow]


def caseloads_by_team(*, actor: Any, teams: list[Team]) -> list[TeamCaseloads]:
    """The allocation form's worker list: every active member of each team with their caseload.

    A worker in two teams appears under each, with the same figures. Three queries in all.
    """
    if not actor.has_capability(Capability.MANAGE_CASES):
        raise NotFoundOrForbidden()
    memberships = list(
        TeamMembership.objects.filter(team__in=teams, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    workers = {m.user.pk: m.user for m in memberships}
    rows = _rows_for(actor, list(workers.values()))
    return [
        TeamCaseloads(team=team, rows=[rows[m.user.pk] for m in memberships if m.team_id == team.pk])
        for team in teams
    ]
