"""SSD legal statuses and placements: ssd_legal_status, ssd_cla_placement (issue 7, ADR 0005/0006).

They fill the periods of care that ssd_cla_episodes made (care_episodes). Once the placements are
all in (`finish`), each period's derived episodes must be the extract's (care_reconcile): a period
whose episodes differ, or whose chain breaks, is refused whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from django.db import transaction

from safehub.looked_after.constants import (
    LEGAL_STATUS_LIST,
    NO_PROVIDER_PLACEMENTS,
    PLACEMENT_CHANGE_REASON_LIST,
    PLACEMENT_TYPE_LIST,
    PROVIDER_LIST,
    NewEpisodeReason,
)
from safehub.looked_after.models import LegalStatus, Placement

from .base import ExportContext, LoadContext, Problem, Row, RowRefused, parse_date
from .care_common import (
    CLA_TABLE,
    Batch,
    SimpleTable,
    check_code,
    cla_ref,
    codes,
    iso,
    not_before,
    parse_decimal,
    person_refs,
    within,
)
from .care_episodes import EPISODES, state
from .tables import register

SAME_CARERS = {NewEpisodeReason.SAME_CARERS.value, NewEpisodeReason.BOTH_SAME_CARERS.value}


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


register(LegalStatusTable())
register(PlacementTable())
