"""SSD tables of what happens during care: reviews, visits, health, missing, UASC (issue 7).

Rows that name a period of care (`*_cla_id`) go to it; rows that name only the child go to the
period in force on the row's date, and are refused when there is none.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from safehub.looked_after.constants import (
    MISSING_KIND_LIST,
    PARTICIPATION_LIST,
    SDQ_REASON_LIST,
    HealthCheckKind,
)
from safehub.looked_after.models import (
    Conviction,
    HealthCheck,
    LookedAfterReview,
    MissingEpisode,
    PlacementVisit,
    SdqScore,
    SubstanceMisuse,
    UascStatus,
)
from safehub.looked_after.models import Placement as PlacementModel

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_flag
from .care_common import (
    Batch,
    SimpleTable,
    check_code,
    cla_ref,
    codes,
    flag,
    iso,
    not_before,
    person_of,
    resolve,
    within,
)
from .tables import register


def _day(row: Row, name: str) -> Any:
    day = parse_date(row, name, required=True)
    assert day is not None
    return day


class ReviewsTable(SimpleTable):
    name = "ssd_cla_reviews"
    id_field = "clar_cla_review_id"
    fields = (
        "clar_cla_review_id", "clar_cla_id", "clar_cla_review_due_date", "clar_cla_review_date",
        "clar_cla_review_cancelled", "clar_cla_review_participation",
    )  # fmt: skip
    references = {"clar_cla_id": "ssd_cla"}
    model = LookedAfterReview
    cla_field = "clar_cla_id"
    # A review is kept by the date it was held; the date it was due follows from the one before.
    not_kept = ("clar_cla_review_due_date",)
    touches_clocks = True

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        super().prepare(batch, ctx)
        batch.extra["codes"] = codes(PARTICIPATION_LIST)
        batch.extra["days"] = {
            (p, d): o
            for o, p, d in LookedAfterReview.objects.filter(period__in=list(batch.cla.values())).values_list(
                "pk", "period_id", "held_on"
            )
        }

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        period = self.cla_period(row, batch)
        if parse_flag(row, "clar_cla_review_cancelled"):
            raise RowRefused(
                "clar_cla_review_cancelled",
                "a cancelled review is not held: only reviews that took place are",
            )
        held = _day(row, "clar_cla_review_date")
        within("clar_cla_review_date", held, period)
        other = batch.extra["days"].get((period.pk, held))
        if other is not None and other != obj.pk:
            raise RowRefused("clar_cla_review_date", f"the period of care already has a review on {held}")
        batch.extra["days"][(period.pk, held)] = obj.pk
        obj.period, obj.held_on = period, held
        obj.participation = check_code(
            row,
            "clar_cla_review_participation",
            batch.extra["codes"],
            what="review participation",
            required=True,
        )

    def queryset(self) -> Any:
        return LookedAfterReview.objects.select_related("period").order_by("period_id", "held_on")

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clar_cla_review_id": ctx.ssd_id(self.name, obj.pk, "REV"),
            "clar_cla_id": cla_ref(ctx, obj.period_id),
            "clar_cla_review_date": iso(obj.held_on),
            "clar_cla_review_cancelled": "N",
            "clar_cla_review_participation": obj.participation,
        }


class VisitsTable(SimpleTable):
    name = "ssd_cla_visits"
    id_field = "clav_cla_visit_id"
    fields = (
        "clav_cla_visit_id", "clav_cla_id", "clav_person_id", "clav_cla_visit_date", "clav_cla_visit_seen",
        "clav_cla_visit_seen_alone",
    )  # fmt: skip
    references = {"clav_cla_id": "ssd_cla", "clav_person_id": "ssd_person"}
    model = PlacementVisit
    cla_field = "clav_cla_id"
    person_field = "clav_person_id"
    touches_clocks = True

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        super().prepare(batch, ctx)
        placements: dict[UUID, list[Any]] = {}
        for p in PlacementModel.objects.filter(period__in=list(batch.cla.values())).order_by("started_on"):
            placements.setdefault(p.period_id, []).append(p)
        batch.extra["placements"] = placements

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        period = self.cla_period(row, batch)
        day = _day(row, "clav_cla_visit_date")
        within("clav_cla_visit_date", day, period)
        # The visit was to the placement the child was in that day (the later one on a moving day).
        placement = None
        for p in batch.extra["placements"].get(period.pk, []):
            if p.started_on <= day and (p.ended_on is None or day <= p.ended_on):
                placement = p
        if placement is None:
            raise RowRefused("clav_cla_visit_date", f"the child had no placement on {day} to be visited in")
        seen = parse_flag(row, "clav_cla_visit_seen")
        obj.period, obj.placement, obj.visited_on = period, placement, day
        obj.child_seen = True if seen is None else seen
        obj.seen_alone = bool(parse_flag(row, "clav_cla_visit_seen_alone"))

    def queryset(self) -> Any:
        return PlacementVisit.objects.select_related("period").order_by("period_id", "visited_on")

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clav_cla_visit_id": ctx.ssd_id(self.name, obj.pk, "VIS"),
            "clav_cla_id": cla_ref(ctx, obj.period_id),
            "clav_person_id": people[obj.period.person_id],
            "clav_cla_visit_date": iso(obj.visited_on),
            "clav_cla_visit_seen": flag(obj.child_seen),
            "clav_cla_visit_seen_alone": flag(obj.seen_alone),
        }


# SSD check types as councils write them -> HealthCheckKind.
HEALTH_KINDS = {k.value: k.value for k in HealthCheckKind} | {
    k.label.lower(): k.value for k in HealthCheckKind
} | {
    "initial health assessment": "initial", "iha": "initial", "review health assessment": "review",
    "rha": "review", "health assessment": "review", "dental": "dental", "dental check": "dental",
    "development check": "development", "immunisation": "immunisations",
}  # fmt: skip
# HealthCheckKind -> the words SSD extracts use (each read back by HEALTH_KINDS), so a round trip holds.
HEALTH_WORDS = {
    "initial": "Initial Health Assessment", "review": "Health Assessment", "dental": "Dental Check",
    "development": "Development Check", "immunisations": "Immunisation",
}  # fmt: skip
DONE = {"", "completed", "complete", "done", "y", "yes", "1"}


class HealthTable(SimpleTable):
    name = "ssd_cla_health"
    id_field = "clah_health_check_id"
    fields = (
        "clah_health_check_id", "clah_person_id", "clah_health_check_type", "clah_health_check_date",
        "clah_health_check_status",
    )  # fmt: skip
    references = {"clah_person_id": "ssd_person"}
    model = HealthCheck
    person_field = "clah_person_id"
    touches_clocks = True

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        text = (row.get("clah_health_check_type") or "").strip()
        kind = HEALTH_KINDS.get(text.lower())
        if kind is None:
            raise RowRefused(
                "clah_health_check_type",
                f"clah_health_check_type {text[:30]!r} is not a health check Safehub knows",
            )
        status = (row.get("clah_health_check_status") or "").strip()
        if status.lower() not in DONE:
            raise RowRefused(
                "clah_health_check_status", f"only completed checks are held, not {status[:30]!r}"
            )
        day = _day(row, "clah_health_check_date")
        obj.period = self.dated_period(row, batch, day, "clah_health_check_date")
        obj.kind, obj.done_on = kind, day

    def queryset(self) -> Any:
        return (
            HealthCheck.objects.exclude(kind=HealthCheckKind.IMMUNISATIONS)
            .select_related("period")
            .order_by("pk")
        )

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clah_health_check_id": ctx.ssd_id(self.name, obj.pk, "HC"),
            "clah_person_id": people[obj.period.person_id],
            "clah_health_check_type": HEALTH_WORDS.get(obj.kind, obj.kind),
            "clah_health_check_date": iso(obj.done_on),
            "clah_health_check_status": "Completed",
        }


class ImmunisationsTable(SimpleTable):
    """One row per child (the table has no id of its own): immunisations up to date on a date."""

    name = "ssd_cla_immunisations"
    id_field = "clai_person_id"
    fields = ("clai_person_id", "clai_immunisations_status", "clai_immunisations_status_date")
    references = {"clai_person_id": "ssd_person"}
    model = HealthCheck
    person_field = "clai_person_id"
    touches_clocks = True

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        status = parse_flag(row, "clai_immunisations_status")
        if status is None:
            raise RowRefused("clai_immunisations_status", "clai_immunisations_status is required")
        if not status:
            raise RowRefused(
                "clai_immunisations_status",
                "immunisations not up to date are not held: Safehub records the date they were brought up to date",
            )
        day = _day(row, "clai_immunisations_status_date")
        obj.period = self.dated_period(row, batch, day, "clai_immunisations_status_date")
        obj.kind, obj.done_on = HealthCheckKind.IMMUNISATIONS.value, day

    def queryset(self) -> Any:
        # The latest per child: the table holds one row per child.
        latest: dict[UUID, Any] = {}
        for check in (
            HealthCheck.objects.filter(kind=HealthCheckKind.IMMUNISATIONS)
            .select_related("period")
            .order_by("done_on")
        ):
            latest[check.period.person_id] = check
        return list(latest.values())

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clai_person_id": people[obj.period.person_id],
            "clai_immunisations_status": "Y",
            "clai_immunisations_status_date": iso(obj.done_on),
        }


class SubstanceMisuseTable(SimpleTable):
    name = "ssd_cla_substance_misuse"
    id_field = "clas_substance_misuse_id"
    fields = (
        "clas_substance_misuse_id", "clas_person_id", "clas_substance_misuse_date", "clas_substance_misused",
        "clas_intervention_received",
    )  # fmt: skip
    references = {"clas_person_id": "ssd_person"}
    model = SubstanceMisuse
    person_field = "clas_person_id"

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        day = _day(row, "clas_substance_misuse_date")
        obj.period = self.dated_period(row, batch, day, "clas_substance_misuse_date")
        obj.identified_on = day
        obj.notes = (row.get("clas_substance_misused") or "").strip()
        received = bool(parse_flag(row, "clas_intervention_received"))
        # An intervention received was offered; SSD does not say when one was offered and refused.
        obj.intervention_received = received
        obj.intervention_offered = received or obj.intervention_offered

    def queryset(self) -> Any:
        return SubstanceMisuse.objects.select_related("period").order_by("pk")

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clas_substance_misuse_id": ctx.ssd_id(self.name, obj.pk, "SM"),
            "clas_person_id": people[obj.period.person_id],
            "clas_substance_misuse_date": iso(obj.identified_on),
            "clas_substance_misused": obj.notes,
            "clas_intervention_received": flag(obj.intervention_received),
        }


class ConvictionsTable(SimpleTable):
    name = "ssd_cla_convictions"
    id_field = "clac_cla_conviction_id"
    fields = (
        "clac_cla_conviction_id",
        "clac_person_id",
        "clac_cla_conviction_date",
        "clac_cla_conviction_offence",
    )
    references = {"clac_person_id": "ssd_person"}
    model = Conviction
    person_field = "clac_person_id"

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        day = _day(row, "clac_cla_conviction_date")
        obj.period = self.dated_period(row, batch, day, "clac_cla_conviction_date")
        obj.convicted_on = day
        obj.notes = (row.get("clac_cla_conviction_offence") or "").strip()

    def queryset(self) -> Any:
        return Conviction.objects.select_related("period").order_by("pk")

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "clac_cla_conviction_id": ctx.ssd_id(self.name, obj.pk, "CV"),
            "clac_person_id": people[obj.period.person_id],
            "clac_cla_conviction_date": iso(obj.convicted_on),
            "clac_cla_conviction_offence": obj.notes,
        }


class SdqTable(SimpleTable):
    name = "ssd_sdq_scores"
    id_field = "csdq_table_id"
    fields = (
        "csdq_table_id",
        "csdq_person_id",
        "csdq_sdq_completed_date",
        "csdq_sdq_reason",
        "csdq_sdq_score",
    )
    references = {"csdq_person_id": "ssd_person"}
    model = SdqScore
    person_field = "csdq_person_id"

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        super().prepare(batch, ctx)
        batch.extra["codes"] = codes(SDQ_REASON_LIST)

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        day = _day(row, "csdq_sdq_completed_date")
        reason = check_code(row, "csdq_sdq_reason", batch.extra["codes"], what="SDQ reason")
        text = (row.get("csdq_sdq_score") or "").strip()
        score = None
        if text:
            if not text.isdigit() or int(text) > 40:
                raise RowRefused(
                    "csdq_sdq_score", f"csdq_sdq_score must be a whole number from 0 to 40: {text[:10]!r}"
                )
            score = int(text)
        if score is not None and reason:
            raise RowRefused(
                "csdq_sdq_reason", "give csdq_sdq_score or csdq_sdq_reason (why there is no score), not both"
            )
        if score is None and not reason:
            raise RowRefused(
                "csdq_sdq_score", "give csdq_sdq_score or csdq_sdq_reason (why there is no score)"
            )
        obj.period = self.dated_period(row, batch, day, "csdq_sdq_completed_date")
        obj.recorded_on, obj.score, obj.reason = day, score, reason

    def queryset(self) -> Any:
        return SdqScore.objects.select_related("period").order_by("pk")

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "csdq_table_id": ctx.ssd_id(self.name, obj.pk, "SDQ"),
            "csdq_person_id": people[obj.period.person_id],
            "csdq_sdq_completed_date": iso(obj.recorded_on),
            "csdq_sdq_reason": obj.reason,
            "csdq_sdq_score": "" if obj.score is None else str(obj.score),
        }


class MissingTable(SimpleTable):
    name = "ssd_missing"
    id_field = "miss_table_id"
    fields = (
        "miss_table_id", "miss_person_id", "miss_missing_episode_start_date", "miss_missing_episode_type",
        "miss_missing_episode_end_date", "miss_missing_rhi_offered", "miss_missing_rhi_accepted",
    )  # fmt: skip
    references = {"miss_person_id": "ssd_person"}
    model = MissingEpisode
    person_field = "miss_person_id"
    touches_clocks = True

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        super().prepare(batch, ctx)
        batch.extra["codes"] = codes(MISSING_KIND_LIST)

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        start = _day(row, "miss_missing_episode_start_date")
        end = parse_date(row, "miss_missing_episode_end_date")
        not_before("miss_missing_episode_end_date", end, start, "missing episode start date")
        obj.kind = check_code(
            row, "miss_missing_episode_type", batch.extra["codes"], what="missing episode type", required=True
        )
        obj.period = self.dated_period(row, batch, start, "miss_missing_episode_start_date")
        obj.started_on, obj.ended_on = start, end
        # SSD says whether an interview was offered, not when: the offer is dated by the return
        # (the day the child came back), which is what the return-interview clock measures from.
        offered_text = (row.get("miss_missing_rhi_offered") or "").strip()
        offered_day = parse_date(row, "miss_missing_rhi_offered") if offered_text[:1].isdigit() else None
        offered = True if offered_day else parse_flag(row, "miss_missing_rhi_offered")
        if offered and offered_day is None:
            offered_day = end or start
        obj.interview_offered_on = offered_day if offered else None
        accepted = parse_flag(row, "miss_missing_rhi_accepted")
        if accepted is not None and not offered:
            raise RowRefused(
                "miss_missing_rhi_accepted",
                "an interview was accepted but miss_missing_rhi_offered does not say it was offered",
            )
        obj.interview_accepted = accepted

    def queryset(self) -> Any:
        return MissingEpisode.objects.select_related("period").order_by("pk")

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "miss_table_id": ctx.ssd_id(self.name, obj.pk, "MIS"),
            "miss_person_id": people[obj.period.person_id],
            "miss_missing_episode_start_date": iso(obj.started_on),
            "miss_missing_episode_type": obj.kind,
            "miss_missing_episode_end_date": iso(obj.ended_on),
            "miss_missing_rhi_offered": "Y" if obj.interview_offered_on else "N",
            "miss_missing_rhi_accepted": flag(obj.interview_accepted),
        }


UASC = {"unaccompanied asylum seeking child", "unaccompanied asylum-seeking child", "uasc"}
UASC_WORDS = "Unaccompanied Asylum Seeking Child"  # as in ssd_codes/immigration_status.csv


class ImmigrationTable(SimpleTable):
    name = "ssd_immigration_status"
    id_field = "immi_immigration_status_id"
    fields = (
        "immi_person_id", "immi_immigration_status_id", "immi_immigration_status",
        "immi_immigration_status_start_date", "immi_immigration_status_end_date",
    )  # fmt: skip
    depends_on = ("ssd_person",)
    references = {"immi_person_id": "ssd_person"}
    model = UascStatus
    person_field = "immi_person_id"

    def prepare(self, batch: Batch, ctx: LoadContext) -> None:
        # No periods needed; who already has a UASC status (one per child).
        batch.people = resolve(ctx, "ssd_person", (r.get(self.person_field, "").strip() for r in batch.rows))
        batch.extra["held"] = dict(
            UascStatus.objects.filter(person_id__in=batch.people.values()).values_list("person_id", "pk")
        )

    def fill(self, obj: Any, row: Row, batch: Batch, ctx: LoadContext) -> None:
        status = (row.get("immi_immigration_status") or "").strip()
        if status.lower() not in UASC:
            raise RowRefused("immi_immigration_status", f"only UASC status is held (not {status[:40]!r})")
        person_id = person_of(row, "immi_person_id", batch.people)
        held = batch.extra["held"].get(person_id)
        if held is not None and held != obj.pk:
            raise RowRefused("immi_person_id", "the child already has a UASC status from another row")
        batch.extra["held"][person_id] = obj.pk
        start = _day(row, "immi_immigration_status_start_date")
        end = parse_date(row, "immi_immigration_status_end_date")
        not_before("immi_immigration_status_end_date", end, start, "status start date")
        obj.person_id, obj.started_on, obj.ceased_on = person_id, start, end

    def person_ids_of(self, objs: Any) -> Any:
        return (o.person_id for o in objs)

    def to_row(self, obj: Any, ctx: ExportContext, people: dict[UUID, str]) -> Row:
        return {
            "immi_person_id": people[obj.person_id],
            "immi_immigration_status_id": ctx.ssd_id(self.name, obj.pk, "IMM"),
            "immi_immigration_status": UASC_WORDS,
            "immi_immigration_status_start_date": iso(obj.started_on),
            "immi_immigration_status_end_date": iso(obj.ceased_on),
        }


# These tables keep nothing from one batch to the next and change only the period they name: their
# rows may be loaded by several processes at once (base.parallel_of). The periods' and placements'
# own tables are not, for their `finish` reads what the episodes' batches learned (care_episodes).
for _table in (
    ReviewsTable, VisitsTable, HealthTable, ImmunisationsTable, SubstanceMisuseTable, ConvictionsTable,
    SdqTable, MissingTable, ImmigrationTable,
):  # fmt: skip
    _table.parallel = True
    register(_table())
