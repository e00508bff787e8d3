"""SSD periods of care: ssd_cla_episodes, ssd_legal_status, ssd_cla_placement (issue 7, ADR 0005/0006).

In Safehub the 903 episodes are derived from a period's legal statuses and placements, never stored.
So the episodes table makes the periods (one per `clae_cla_id`), the legal statuses and placements
fill them, and once the placements are all in (`finish`), each period's derived episodes must be
the extract's: a period whose episodes differ, or whose chain breaks, is refused whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from django.db import transaction

from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.models import Involvement
from safehub.looked_after.constants import (
    CEASED_REASON_LIST,
    CHAIN_REASON,
    LEGAL_STATUS_LIST,
    NEED_LIST,
    NO_PROVIDER_PLACEMENTS,
    PLACEMENT_CHANGE_REASON_LIST,
    PLACEMENT_TYPE_LIST,
    PROVIDER_LIST,
    NewEpisodeReason,
)
from safehub.looked_after.models import LegalStatus, LookedAfterPeriod, Placement

from ..models import SsdRecord
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, parse_date, row_hash
from .care_common import (
    CLA_TABLE,
    Batch,
    SimpleTable,
    check_code,
    cla_ref,
    codes,
    iso,
    label,
    not_before,
    parse_decimal,
    person_of,
    person_refs,
    required_text,
    resolve,
    within,
)
from .tables import register

EPISODES = "ssd_cla_episodes"
SAME_CARERS = {NewEpisodeReason.SAME_CARERS.value, NewEpisodeReason.BOTH_SAME_CARERS.value}


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
            else:
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
        Involvement.objects.bulk_create(new_involvements)
        for period in new_periods:
            period.involvement_id = period.involvement.pk
        LookedAfterPeriod.objects.bulk_create(new_periods)
        if changed:
            LookedAfterPeriod.objects.bulk_update(
                changed, ["started_on", "ended_on", "end_reason", "need_code", "version", "updated_by"]
            )
            involvements = Involvement.objects.in_bulk([p.involvement_id for p in changed])
            for p in changed:
                involvements[p.involvement_id].opened_on = p.started_on
                involvements[p.involvement_id].closed_on = p.ended_on
            Involvement.objects.bulk_update(list(involvements.values()), ["opened_on", "closed_on"])
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


class LegalStatusTable(SimpleTable):
    """SSD legal statuses name only the child: each goes to the period whose dates cover it."""

    name = "ssd_legal_status"
    id_field = "lega_legal_status_id"
    fields = (
        "lega_legal_status_id", "lega_person_id", "lega_legal_status", "lega_legal_status_start_date",
        "lega_legal_status_end_date",
    )  # fmt: skip
    depends_on = ("ssd_person", EPISODES)
    references = {"lega_person_id": "ssd_person"}
    model = LegalStatus
    person_field = "lega_person_id"
    export_prefix = "LS"
    columns = {"code": "lega_legal_status"}

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        super().prepare(batch, ctx)
        batch.extra["codes"] = codes(LEGAL_STATUS_LIST)
        ids = [p.pk for ps in batch.periods.values() for p in ps]
        batch.extra["days"] = {
            (pid, day): oid
            for oid, pid, day in LegalStatus.objects.filter(period_id__in=ids).values_list(
                "pk", "period_id", "started_on"
            )
        }

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        code = check_code(row, "lega_legal_status", batch.extra["codes"], what="legal status", required=True)
        start = parse_date(row, "lega_legal_status_start_date", required=True)
        assert start is not None
        end = parse_date(row, "lega_legal_status_end_date")
        not_before("lega_legal_status_end_date", end, start, "legal status start date")
        period = self.dated_period(row, batch, start, "lega_legal_status_start_date")
        if end is not None and period.ended_on is not None and end > period.ended_on:
            raise RowRefused(
                "lega_legal_status_end_date",
                f"lega_legal_status_end_date {end} is after the period of care ended {period.ended_on}",
            )
        other = batch.extra["days"].get((period.pk, start))
        if other is not None and other != obj.pk:
            raise RowRefused(
                "lega_legal_status_start_date", f"the child already has a legal status starting {start}"
            )
        batch.extra["days"][(period.pk, start)] = obj.pk
        obj.period, obj.code, obj.started_on = period, code, start
        state(ctx).touched.add(period.pk)

    def queryset(self) -> Any:
        return LegalStatus.objects.select_related("period").order_by("period_id", "started_on")

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        objs = list(self.queryset())
        people = person_refs(ctx, (o.period.person_id for o in objs))
        for i, obj in enumerate(objs):
            following = objs[i + 1] if i + 1 < len(objs) and objs[i + 1].period_id == obj.period_id else None
            yield {
                "lega_legal_status_id": ctx.ssd_id(self.name, obj.pk, "LS"),
                "lega_person_id": people[obj.period.person_id],
                "lega_legal_status": obj.code,
                "lega_legal_status_start_date": iso(obj.started_on),
                # A status lasts until the next starts, or the period ends (ADR 0005).
                "lega_legal_status_end_date": iso(following.started_on if following else obj.period.ended_on),
            }


class PlacementTable(SimpleTable):
    name = "ssd_cla_placement"
    id_field = "clap_cla_placement_id"
    fields = (
        "clap_cla_placement_id", "clap_cla_placement_start_date", "clap_cla_placement_type",
        "clap_cla_placement_urn", "clap_cla_placement_distance", "clap_cla_id",
        "clap_cla_placement_provider", "clap_cla_placement_postcode", "clap_cla_placement_end_date",
        "clap_cla_placement_change_reason", "clap_person_id",
    )  # fmt: skip
    depends_on = ("ssd_person", EPISODES, "ssd_legal_status")
    references = {"clap_person_id": "ssd_person", "clap_cla_id": CLA_TABLE}
    model = Placement
    person_field = "clap_person_id"
    cla_field = "clap_cla_id"
    columns = {
        "urn": "clap_cla_placement_urn", "postcode": "clap_cla_placement_postcode",
        "placement_type": "clap_cla_placement_type", "provider": "clap_cla_placement_provider",
        "distance_miles": "clap_cla_placement_distance",
    }  # fmt: skip

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        super().prepare(batch, ctx)
        batch.extra["types"] = codes(PLACEMENT_TYPE_LIST)
        batch.extra["providers"] = codes(PROVIDER_LIST)
        batch.extra["reasons"] = codes(PLACEMENT_CHANGE_REASON_LIST)
        ids = [p.pk for p in batch.cla.values()]
        batch.extra["current"] = dict(
            Placement.objects.filter(period_id__in=ids, ended_on__isnull=True).values_list("period_id", "pk")
        )
        batch.extra["cla_of"] = {p.pk: cla for cla, p in batch.cla.items()}

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        period = self.cla_period(row, batch)
        kind = check_code(
            row, "clap_cla_placement_type", batch.extra["types"], what="placement type", required=True
        )
        provider = check_code(
            row, "clap_cla_placement_provider", batch.extra["providers"], what="placement provider"
        )
        if kind in NO_PROVIDER_PLACEMENTS and provider:
            raise RowRefused(
                "clap_cla_placement_provider", f"a {kind} placement has no provider (903 rule 178)"
            )
        if kind not in NO_PROVIDER_PLACEMENTS and not provider:
            raise RowRefused(
                "clap_cla_placement_provider",
                f"clap_cla_placement_provider is required for a {kind} placement",
            )
        start = parse_date(row, "clap_cla_placement_start_date", required=True)
        assert start is not None
        within("clap_cla_placement_start_date", start, period)
        end = parse_date(row, "clap_cla_placement_end_date")
        not_before("clap_cla_placement_end_date", end, start, "placement start date")
        if end is not None:
            within("clap_cla_placement_end_date", end, period)
        else:
            current = batch.extra["current"].get(period.pk)
            if current is not None and current != obj.pk:
                raise RowRefused(
                    "clap_cla_placement_end_date",
                    "the period of care already has a current placement (no end date)",
                )
            batch.extra["current"][period.pk] = obj.pk
        obj.period, obj.person_id = period, period.person_id
        obj.started_on, obj.ended_on, obj.placement_type, obj.provider = start, end, kind, provider
        obj.end_reason = check_code(
            row,
            "clap_cla_placement_change_reason",
            batch.extra["reasons"],
            what="reason for placement change",
        )
        obj.urn = (row.get("clap_cla_placement_urn") or "").strip()
        obj.postcode = (row.get("clap_cla_placement_postcode") or "").strip().upper()
        obj.distance_miles = parse_decimal(row, "clap_cla_placement_distance")
        # SSD has no "same carers" column: the extract's episode starting that day says it (RNE T/U).
        episodes = state(ctx).episodes.get(batch.extra["cla_of"][period.pk], {})
        obj.same_carers = any(e.start == start and e.rne in SAME_CARERS for e in episodes.values())
        state(ctx).touched.add(period.pk)

    def queryset(self) -> Any:
        return Placement.objects.order_by("period_id", "started_on", "created_at")

    def person_ids_of(self, objs: Sequence[Any]) -> Any:
        return (o.person_id for o in objs)

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clap_cla_placement_id": ctx.ssd_id(self.name, obj.pk, "PL"),
            "clap_cla_placement_start_date": iso(obj.started_on),
            "clap_cla_placement_type": obj.placement_type,
            "clap_cla_placement_urn": obj.urn,
            "clap_cla_placement_distance": "" if obj.distance_miles is None else str(obj.distance_miles),
            "clap_cla_id": cla_ref(ctx, obj.period_id),
            "clap_cla_placement_provider": obj.provider,
            "clap_cla_placement_postcode": obj.postcode,
            "clap_cla_placement_end_date": iso(obj.ended_on),
            "clap_cla_placement_change_reason": obj.end_reason,
            "clap_person_id": people[obj.person_id],
        }

    def finish(self, ctx: LoadContext) -> list[Problem]:
        from .care_reconcile import reconcile

        with transaction.atomic():
            return reconcile(ctx, state(ctx))


register(EpisodesTable())
register(LegalStatusTable())
register(PlacementTable())
