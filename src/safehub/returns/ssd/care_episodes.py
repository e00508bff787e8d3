"""SSD ssd_cla_episodes: the periods of care (issue 7, ADR 0005/0006).

In Safehub the 903 episodes are derived from a period's legal statuses and placements, never stored.
So the episodes table makes the periods (one per `clae_cla_id`) and keeps what the extract says
each period's episodes are (`RunState`), for the placements' `finish` (care_reconcile) to compare
with the episodes the period derives once its legal statuses and placements are in
(care_periods).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.models import Involvement
from safehub.looked_after.constants import CEASED_REASON_LIST, CHAIN_REASON, NEED_LIST, NewEpisodeReason
from safehub.looked_after.models import LegalStatus, LookedAfterPeriod, Placement

from ..models import SsdRecord
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, parse_date, row_hash
from .care_common import (
    CLA_TABLE,
    check_code,
    cla_ref,
    codes,
    create_with_history,
    iso,
    label,
    not_before,
    person_of,
    person_refs,
    required_text,
    resolve,
    update_with_history,
)
from .tables import register

EPISODES = "ssd_cla_episodes"


@dataclass(frozen=True)
class Expected:
    """One episode as the extract gives it."""

    episode_id: str
    person_id: UUID
    start: date
    rne: str
    need: str
    ceased: date | None
    reason: str
    placement: str
    entered: date | None


@dataclass
class RunState:
    """What one import run learned about its periods, until the placements' `finish` checks them.

    Held in memory for the run: a run resumed in a new process checks the chain of each period
    it touches but has no extract episodes left to compare with (said in the report)."""

    episodes: dict[str, dict[str, Expected]] = field(default_factory=dict)  # cla id -> episode id -> row
    refused: dict[str, list[Problem]] = field(default_factory=dict)  # cla id -> why refused
    created: set[str] = field(default_factory=set)  # periods this run made (and may take back)
    touched: set[UUID] = field(default_factory=set)  # periods a legal status or placement changed


_STATE: dict[Any, RunState] = {}


def state(ctx: LoadContext) -> RunState:
    return _STATE.setdefault(getattr(ctx.run, "pk", id(ctx.run)), RunState())


def _parse_episode(row: Row, people: dict[str, UUID], lists: dict[str, set[str]]) -> Expected:
    start = parse_date(row, "clae_cla_episode_start_date", required=True)
    assert start is not None
    ceased = parse_date(row, "clae_cla_episode_ceased_date")
    reason = check_code(row, "clae_cla_episode_ceased_reason", lists["rec"], what="reason episode ceased")
    not_before("clae_cla_episode_ceased_date", ceased, start, "episode start date")
    if ceased is not None and not reason:
        raise RowRefused(
            "clae_cla_episode_ceased_reason",
            "clae_cla_episode_ceased_reason is required when the episode ceased",
        )
    if reason and ceased is None:
        raise RowRefused(
            "clae_cla_episode_ceased_date", "clae_cla_episode_ceased_date is required with a reason ceased"
        )
    entered = parse_date(row, "clae_entered_care_date")
    if entered is not None and entered > start:
        raise RowRefused("clae_entered_care_date", "clae_entered_care_date is after the episode start date")
    return Expected(
        episode_id=required_text(row, "clae_cla_episode_id"),
        person_id=person_of(row, "clae_person_id", people),
        start=start,
        rne=check_code(
            row, "clae_cla_episode_start_reason", lists["rne"], what="reason for new episode", required=True
        ),
        need=check_code(
            row, "clae_cla_primary_need_code", lists["need"], what="category of need", required=True
        ),
        ceased=ceased,
        reason=reason,
        placement=(row.get("clae_cla_placement_id") or "").strip(),
        entered=entered,
    )


def _period_shape(episodes: Sequence[Expected]) -> tuple[date, date | None, str, str]:
    """Start, end, end reason and need of the period the episodes (so far) describe."""
    ordered = sorted(episodes, key=lambda e: e.start)
    entered = [e.entered for e in ordered if e.entered is not None]
    started = min(entered) if entered else ordered[0].start
    last = ordered[-1]
    if last.ceased is not None and last.reason and last.reason != CHAIN_REASON:
        return started, last.ceased, last.reason, ordered[0].need
    return started, None, "", ordered[0].need


class EpisodesTable:
    name: ClassVar[str] = EPISODES
    id_field: ClassVar[str] = "clae_cla_episode_id"
    fields: ClassVar[tuple[str, ...]] = (
        "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date",
        "clae_cla_episode_start_reason", "clae_cla_primary_need_code", "clae_cla_episode_ceased_date",
        "clae_cla_episode_ceased_reason", "clae_cla_id", "clae_referral_id", "clae_cla_placement_id",
        "clae_entered_care_date", "clae_cla_last_iro_contact_date",
    )  # fmt: skip
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {"clae_person_id": "ssd_person"}
    # The referral a period began from and the IRO's last contact have no place on a period yet.
    not_kept: ClassVar[tuple[str, ...]] = ("clae_referral_id", "clae_cla_last_iro_contact_date")

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        run = state(ctx)
        lists = {
            "rec": codes(CEASED_REASON_LIST),
            "rne": set(NewEpisodeReason.values),
            "need": codes(NEED_LIST),
        }
        people = resolve(ctx, "ssd_person", (r.get("clae_person_id", "").strip() for r in rows))
        problems: list[Problem] = []
        batch_clas: dict[str, list[tuple[Row, Expected]]] = {}
        for row in rows:
            rid = (row.get(self.id_field) or "").strip()
            cla = (row.get("clae_cla_id") or "").strip()
            try:
                if not cla:
                    raise RowRefused("clae_cla_id", "clae_cla_id (the period of care) is required")
                expected = _parse_episode(row, people, lists)
                if any(rid in eps for other, eps in run.episodes.items() if other != cla):
                    raise RowRefused(
                        self.id_field, f"{self.id_field} {rid!r} is already an episode of another period"
                    )
            except RowRefused as refused:
                problem = Problem(self.name, rid, refused.field, refused.problem)
                problems.append(problem)
                if cla:  # the rest of its period goes with it: a period is never half-loaded
                    run.refused.setdefault(cla, []).append(problem)
                continue
            batch_clas.setdefault(cla, []).append((row, expected))
            run.episodes.setdefault(cla, {})[expected.episode_id] = expected
        known = resolve(ctx, CLA_TABLE, batch_clas)
        periods = LookedAfterPeriod.objects.in_bulk(list(known.values()))
        candidates = {cla for cla in batch_clas if cla not in run.refused}
        person_ids = {e.person_id for cla in candidates for e in run.episodes[cla].values()}
        open_by_person: dict[UUID, Any] = dict(
            LookedAfterPeriod.objects.filter(person_id__in=person_ids, ended_on__isnull=True).values_list(
                "person_id", "pk"
            )
        )
        new_involvements: list[Involvement] = []
        new_periods: list[LookedAfterPeriod] = []
        changed: list[LookedAfterPeriod] = []
        for cla in sorted(candidates):
            episodes = list(run.episodes[cla].values())
            people_of = {e.person_id for e in episodes}
            started, ended, end_reason, need = _period_shape(episodes)
            period = periods.get(known[cla]) if cla in known else None
            refusal = ""
            if len(people_of) > 1:
                refusal = "clae_person_id|the episodes of one period of care name different children"
            elif period is not None and period.person_id not in people_of:
                refusal = "clae_person_id|this period of care was loaded for another child"
            elif ended is None and open_by_person.get(episodes[0].person_id, period and period.pk) != (
                period and period.pk
            ):
                refusal = "clae_cla_episode_ceased_date|the child already has another open period of care"
            if refusal:
                name, text = refusal.split("|")
                run.refused.setdefault(cla, []).extend(
                    Problem(self.name, e.episode_id, name, text) for e in episodes
                )
                problems.extend(
                    Problem(self.name, e.episode_id, name, text)
                    for e in episodes
                    if e.episode_id in {x.episode_id for _r, x in batch_clas[cla]}
                )
                continue
            if ended is None:
                open_by_person[episodes[0].person_id] = period.pk if period is not None else cla
            if period is None:
                involvement = Involvement(
                    person_id=episodes[0].person_id, service=CaseService.LOOKED_AFTER,
                    level=CaseLevel.LOOKED_AFTER, title=f"Looked after from {started:%-d %B %Y}",
                    opened_on=started, closed_on=ended, updated_by=ctx.actor,
                )  # fmt: skip
                new_involvements.append(involvement)
                period = LookedAfterPeriod(
                    person_id=episodes[0].person_id, involvement=involvement, recorded_by=ctx.actor,
                    updated_by=ctx.actor, started_on=started,
                )  # fmt: skip
                new_periods.append(period)
                run.created.add(cla)
            elif (period.started_on, period.ended_on, period.end_reason, period.need_code) != (
                started,
                ended,
                end_reason,
                need,
            ):
                # Only a period whose shape moved is written: a re-run of an unchanged extract
                # leaves periods (their version and history) alone.
                period.version += 1
                period.updated_by = ctx.actor
                changed.append(period)
            period.started_on, period.ended_on, period.end_reason, period.need_code = (
                started,
                ended,
                end_reason,
                need,
            )
            periods[period.pk] = period
            known[cla] = period.pk
        create_with_history(Involvement, new_involvements, ctx.actor)
        for period in new_periods:
            period.involvement_id = period.involvement.pk
        create_with_history(LookedAfterPeriod, new_periods, ctx.actor)
        if changed:
            update_with_history(
                LookedAfterPeriod,
                changed,
                ["started_on", "ended_on", "end_reason", "need_code", "version", "updated_by"],
                ctx.actor,
            )
            _follow_dates(changed, ctx.actor)
        for cla in candidates:
            if cla in run.refused:
                continue
            ctx.remember(CLA_TABLE, cla, label(LookedAfterPeriod), known[cla], "")
            for row, expected in batch_clas[cla]:
                ctx.remember(
                    self.name, expected.episode_id, label(LookedAfterPeriod), known[cla], row_hash(row)
                )
        return problems

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        from safehub.looked_after.episodes import derive_episodes

        periods = list(LookedAfterPeriod.objects.order_by("person_id", "started_on", "pk"))
        statuses, placements = _children([p.pk for p in periods])
        people = person_refs(ctx, (p.person_id for p in periods))
        imported = _imported_episode_ids()
        for period in periods:
            cla = cla_ref(ctx, period.pk)
            derived = derive_episodes(period, statuses.get(period.pk, []), placements.get(period.pk, []))
            given = imported.get(period.pk, [])
            if len(given) != len(derived):  # made or changed in Safehub: ids from the period's
                given = [f"{cla}-{index}" for index in range(1, len(derived) + 1)]
            for episode_id, ep in zip(given, derived, strict=True):
                yield {
                    "clae_cla_episode_id": episode_id,
                    "clae_person_id": people[period.person_id],
                    "clae_cla_episode_start_date": iso(ep.decom),
                    "clae_cla_episode_start_reason": ep.rne,
                    "clae_cla_primary_need_code": ep.need,
                    "clae_cla_episode_ceased_date": iso(ep.dec),
                    "clae_cla_episode_ceased_reason": ep.rec,
                    "clae_cla_id": cla,
                    "clae_referral_id": "",
                    "clae_cla_placement_id": ctx.ssd_id("ssd_cla_placement", ep.placement_id, "PL")
                    if ep.placement_id
                    else "",
                    "clae_entered_care_date": iso(period.started_on),
                    "clae_cla_last_iro_contact_date": "",
                }


def _follow_dates(periods: Sequence[LookedAfterPeriod], actor: Any) -> None:
    """A period's involvement opens and closes with it. Only the involvements whose dates moved are
    written (each a new version, so a worker's form loaded before the import meets a conflict)."""
    involvements = Involvement.objects.in_bulk([p.involvement_id for p in periods])
    moved = []
    for p in periods:
        involvement = involvements[p.involvement_id]
        if (involvement.opened_on, involvement.closed_on) != (p.started_on, p.ended_on):
            involvement.opened_on, involvement.closed_on = p.started_on, p.ended_on
            involvement.version += 1
            involvement.updated_by = actor
            moved.append(involvement)
    update_with_history(Involvement, moved, ["opened_on", "closed_on", "version", "updated_by"], actor)


def _imported_episode_ids() -> dict[UUID, list[str]]:
    """Period -> the SSD ids of the episodes it was loaded from, in the order of the ids.

    Episodes are not rows in Safehub (they are derived from legal statuses and placements), so an
    imported period keeps only its episodes' ids. Extracts number episodes in time order, so while
    a period still derives as many episodes as it was loaded from, the n-th id goes to the n-th
    episode and a round trip gives the ids back; once it derives a different number, the export
    numbers them from the period's id instead.
    """
    found: dict[UUID, list[str]] = {}
    for source_id, object_id in SsdRecord.objects.filter(table=EPISODES).values_list(
        "source_id", "object_id"
    ):
        found.setdefault(object_id, []).append(source_id)
    return {period: sorted(ids, key=_natural) for period, ids in found.items()}


def _natural(text: str) -> tuple[Any, ...]:
    """ "EP9" before "EP10": runs of digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _children(period_ids: list[UUID]) -> tuple[dict[UUID, list[LegalStatus]], dict[UUID, list[Placement]]]:
    statuses: dict[UUID, list[LegalStatus]] = {}
    for status in LegalStatus.objects.filter(period_id__in=period_ids).order_by("started_on", "created_at"):
        statuses.setdefault(status.period_id, []).append(status)
    placements: dict[UUID, list[Placement]] = {}
    for placement in Placement.objects.filter(period_id__in=period_ids).order_by("started_on", "created_at"):
        placements.setdefault(placement.period_id, []).append(placement)
    return statuses, placements


register(EpisodesTable())
