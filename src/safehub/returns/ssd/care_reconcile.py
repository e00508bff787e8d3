"""The whole-period check of an SSD import, run once the placements are in (issue 7, ADR 0005).

For each period of care the run loaded: derive its 903 episodes from the legal statuses and
placements (`looked_after.episodes`) and compare them with the extract's, then run the chain rules.
A period that fails is refused whole: every row that went into it is reported, and a period this
run created is taken back out (its placements, legal statuses and mappings), never left half-loaded.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from safehub.casework.models import Involvement
from safehub.looked_after.episodes import Episode, chain_problems, derive_episodes
from safehub.looked_after.models import LegalStatus, LookedAfterPeriod, Placement

from ..models import SsdRecord
from .base import LoadContext, Problem
from .care_common import CLA_TABLE, delete_with_history, label, resolve, sync_open_clocks
from .care_episodes import EPISODES, Expected, RunState

PERIOD_TABLES = (EPISODES, "ssd_legal_status", "ssd_cla_placement", CLA_TABLE)


def _d(day: date | None) -> str:
    return day.isoformat() if day is not None else "(open)"


def differences(
    expected: list[Expected], derived: list[Episode], placement_ids: dict[UUID, str]
) -> list[str]:
    """The first way the extract's episodes and the derived ones part, naming the episode."""
    out: list[str] = []
    for ext, ep in zip(expected, derived, strict=False):
        name = f"episode {ext.episode_id} (from {ext.start.isoformat()})"
        pairs = [
            ("start date", ext.start.isoformat(), ep.decom.isoformat()),
            ("reason for new episode", ext.rne, ep.rne),
            ("primary need", ext.need, ep.need),
            ("ceased date", _d(ext.ceased), _d(ep.dec)),
            ("reason ceased", ext.reason or "(none)", ep.rec or "(none)"),
        ]
        if ext.placement and ep.placement_id is not None:
            pairs.append(
                ("placement", ext.placement, placement_ids.get(ep.placement_id, str(ep.placement_id)))
            )
        for what, theirs, ours in pairs:
            if theirs != ours:
                out.append(
                    f"{name}: the extract says {what} {theirs}, the legal statuses and placements give {ours}"
                )
        if out:
            return out
    if len(expected) != len(derived):
        starts = ", ".join(e.decom.isoformat() for e in derived)
        out.append(
            f"the extract has {len(expected)} episodes for this period; its legal statuses and placements "
            f"give {len(derived)} (starting {starts or 'nowhere'})"
        )
    return out


def reconcile(ctx: LoadContext, run: RunState) -> list[Problem]:
    clas = resolve(ctx, CLA_TABLE, set(run.episodes) | set(run.refused))
    periods = LookedAfterPeriod.objects.in_bulk(list(clas.values()))
    cla_of = {oid: cla for cla, oid in clas.items()}
    touched = set(periods) | (run.touched - set(periods))
    all_periods = LookedAfterPeriod.objects.in_bulk(list(touched))
    statuses: dict[UUID, list[LegalStatus]] = {}
    for status in LegalStatus.objects.filter(period_id__in=touched).order_by("started_on", "created_at"):
        statuses.setdefault(status.period_id, []).append(status)
    placements: dict[UUID, list[Placement]] = {}
    for placement in Placement.objects.filter(period_id__in=touched).order_by("started_on", "created_at"):
        placements.setdefault(placement.period_id, []).append(placement)
    placement_ids = dict(
        SsdRecord.objects.filter(
            table="ssd_cla_placement", object_id__in=[p.pk for ps in placements.values() for p in ps]
        ).values_list("object_id", "source_id")
    )
    placement_ids.update(
        {oid: sid for (table, sid), (_m, oid, _h) in ctx._known.items() if table == "ssd_cla_placement"}
    )
    problems: list[Problem] = []
    accepted: list[UUID] = []
    for period_id, period in all_periods.items():
        cla = cla_of.get(period_id, "")
        if cla in run.refused:
            reasons = [f"episode {p.row_id}: {p.problem}" for p in run.refused[cla]]
        else:
            derived = derive_episodes(period, statuses.get(period_id, []), placements.get(period_id, []))
            expected = sorted(run.episodes.get(cla, {}).values(), key=lambda e: e.start)
            reasons = differences(expected, derived, placement_ids) if expected else []
            reasons += chain_problems(derived)
        if reasons:
            problems += _refuse_whole(ctx, run, cla, period, "; ".join(reasons))
        else:
            accepted.append(period_id)
    # Refused periods that never got a row (all their episodes refused in their batch).
    for cla, refused in run.refused.items():
        if cla not in clas:
            said = {p.row_id for p in refused}
            problems += [
                Problem(
                    EPISODES,
                    eid,
                    "clae_cla_id",
                    f"refused with its period of care {cla}: " + refused[0].problem,
                )
                for eid in run.episodes.get(cla, {})
                if eid not in said
            ]
    sync_open_clocks(accepted, ctx.actor)
    return problems


def _refuse_whole(
    ctx: LoadContext, run: RunState, cla: str, period: LookedAfterPeriod, why: str
) -> list[Problem]:
    status_ids = list(LegalStatus.objects.filter(period=period).values_list("pk", flat=True))
    placement_ids = list(Placement.objects.filter(period=period).values_list("pk", flat=True))
    objects = {period.pk, *status_ids, *placement_ids}
    records = SsdRecord.objects.filter(table__in=PERIOD_TABLES, object_id__in=objects)
    rows = set(records.values_list("table", "source_id"))
    rows |= {key for key, (_m, oid, _h) in ctx._known.items() if key[0] in PERIOD_TABLES and oid in objects}
    rows |= {(EPISODES, eid) for eid in run.episodes.get(cla, {})}
    said = {(p.table, p.row_id) for p in run.refused.get(cla, [])}
    name = f"the period of care {cla or period.pk}"
    text = f"{name} is refused whole: {why}"
    problems = [
        Problem(t, sid, "clae_cla_id" if t == EPISODES else "", text)
        for t, sid in sorted(rows)
        if t != CLA_TABLE and (t, sid) not in said
    ]
    if cla in run.created:
        # Taken back out: the batches that made it committed, but it never chained.
        records.delete()
        for key in [k for k in ctx._known if k in rows]:
            del ctx._known[key]
        ctx._new[:] = [n for n in ctx._new if (n[0], n[1]) not in rows]
        # Each delete leaves a "-" history row by the importer: the "+" rows the batches wrote stay,
        # so the history shows the period came in and was taken back out, and by whom.
        delete_with_history(list(Placement.objects.filter(pk__in=placement_ids)), ctx.actor)
        delete_with_history(list(LegalStatus.objects.filter(pk__in=status_ids)), ctx.actor)
        involvement_id = period.involvement_id
        delete_with_history([period], ctx.actor)
        delete_with_history(list(Involvement.objects.filter(pk=involvement_id)), ctx.actor)
    return problems


__all__ = ["Any", "differences", "label", "reconcile"]
