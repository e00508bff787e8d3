"""SSD CIN plans and CIN visits (issue 7, items 1-2), split from `casework_cin` (assessments), whose
referral checks they share: every date on or after the referral, none in the future nor after the
closure (8565), one open CIN plan per referral, and no CIN plan alongside a child protection plan
(4016).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from safehub.child_protection.constants import VisitKind
from safehub.child_protection.models import ChildInNeedPlan, ChildProtectionPlan, Referral, Visit
from safehub.child_protection.services._rules import Errors, _d, add, check_not_before
from safehub.people.services.birth import is_unborn

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_flag
from .casework_cin import check_on_referral, load_referrals, referral_for, yes_no
from .casework_common import (
    Adapter,
    Batch,
    iso,
    known_of,
    person_ids,
    person_of,
    present,
    refuse_if,
)
from .casework_referrals import _overlap
from .tables import register


@dataclass
class _PlanState:
    referrals: dict[UUID, Referral]
    by_referral: dict[UUID, list[ChildInNeedPlan]]
    cp_by_person: dict[UUID, list[ChildProtectionPlan]] = field(default_factory=dict)


def check_cin_against_cp(
    errors: Errors, name: str, start: date, end: date | None, cp_plans: list[ChildProtectionPlan]
) -> None:
    """CIN census 4016: a CIN plan never runs alongside a CP plan (one may end the day the other starts)."""
    for cp in cp_plans:
        if _overlap(start, end, cp.started_on, cp.ended_on):
            until = f"to {_d(cp.ended_on)}" if cp.ended_on else "and is still open"
            add(
                errors,
                name,
                f"The child was on a child protection plan from {_d(cp.started_on)} {until}; "
                "a child in need plan cannot run alongside it.",
            )
            return


class CinPlansTable(Adapter):
    """A CIN plan on its referral. Not kept: the plan's team and worker (checked as references)."""

    name = "ssd_cin_plans"
    id_field = "cinp_cin_plan_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cinp_cin_plan_id",
        "cinp_referral_id",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
        "cinp_cin_plan_team",
        "cinp_cin_plan_worker_id",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cin_episodes", "ssd_department", "ssd_professionals")
    references: ClassVar[dict[str, str]] = {
        "cinp_referral_id": "ssd_cin_episodes",
        "cinp_person_id": "ssd_person",
        "cinp_cin_plan_team": "ssd_department",
        "cinp_cin_plan_worker_id": "ssd_professionals",
    }
    model_label = "child_protection.childinneedplan"
    not_kept = ("cinp_cin_plan_team", "cinp_cin_plan_worker_id")

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> _PlanState:
        referrals = load_referrals(rows, ctx, "cinp_referral_id")
        state = _PlanState(referrals, defaultdict(list), defaultdict(list))
        for p in ChildInNeedPlan.objects.filter(referral_id__in=referrals.keys()):
            state.by_referral[p.referral_id].append(p)
        for cp in ChildProtectionPlan.objects.filter(person_id__in={r.person_id for r in referrals.values()}):
            state.cp_by_person[cp.person_id].append(cp)
        return state

    def load_row(
        self, row: Row, source_id: str, ctx: LoadContext, state: _PlanState, batch: Batch
    ) -> ChildInNeedPlan:
        referral = referral_for(row, "cinp_referral_id", "cinp_person_id", ctx, state.referrals)
        start = parse_date(row, "cinp_cin_plan_start_date", required=True)
        assert start is not None
        end = parse_date(row, "cinp_cin_plan_end_date")
        known_of(row, "cinp_cin_plan_team", "ssd_department", ctx)
        known_of(row, "cinp_cin_plan_worker_id", "ssd_professionals", ctx)
        errors: Errors = {}
        check_on_referral(errors, referral, "cinp_cin_plan_start_date", start, label="date the plan started")
        check_on_referral(errors, referral, "cinp_cin_plan_end_date", end, label="date the plan ended")
        check_not_before(errors, "cinp_cin_plan_end_date", end, start, label="end date", what="plan start")
        existing_id = ctx.known(self.name, source_id)
        for other in state.by_referral[referral.pk]:
            if other.pk != existing_id and _overlap(start, end, other.started_on, other.ended_on):
                if other.ended_on is None:
                    add(
                        errors,
                        "cinp_cin_plan_start_date",
                        f"A child in need plan is already running from {_d(other.started_on)}.",
                    )
                else:
                    add(
                        errors,
                        "cinp_cin_plan_start_date",
                        f"The child in need plan from {_d(other.started_on)} to {_d(other.ended_on)} overlaps this one.",
                    )
                break
        check_cin_against_cp(
            errors, "cinp_cin_plan_start_date", start, end, state.cp_by_person.get(referral.person_id, [])
        )
        refuse_if(errors)
        plan = next((p for p in state.by_referral[referral.pk] if p.pk == existing_id), None)
        if existing_id is not None and plan is None:
            raise RowRefused(
                "cinp_referral_id", "This plan was loaded onto another referral; it cannot move."
            )
        if plan is None:
            plan = ChildInNeedPlan(referral=referral, started_on=start, ended_on=end, updated_by=ctx.actor)
            batch.create(plan)
            state.by_referral[referral.pk].append(plan)
        else:
            plan.started_on, plan.ended_on = start, end
            batch.update(plan, ["started_on", "ended_on"])
        batch.referrals.add(referral.pk)
        return plan

    def write(self, batch: Batch) -> None:
        batch.flush([ChildInNeedPlan])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        pid = person_ids(ChildInNeedPlan.objects.values_list("referral__person_id", flat=True))
        for p in (
            ChildInNeedPlan.objects.select_related("referral")
            .order_by("started_on", "pk")
            .iterator(chunk_size=2000)
        ):
            yield {
                "cinp_cin_plan_id": ctx.ssd_id(self.name, p.pk, "CP"),
                "cinp_referral_id": ctx.ssd_id("ssd_cin_episodes", p.referral_id, "R"),
                "cinp_person_id": pid[p.referral.person_id],
                "cinp_cin_plan_start_date": iso(p.started_on),
                "cinp_cin_plan_end_date": iso(p.ended_on),
                "cinp_cin_plan_team": "",
                "cinp_cin_plan_worker_id": "",
            }


register(CinPlansTable())


# --- Visits ---------------------------------------------------------------------------------------


def visit_flags(
    errors: Errors, row: Row, prefix: str, *, unborn: bool
) -> tuple[bool, bool | None, bool | None]:
    """Seen, seen alone, bedroom seen, with `visit_record`'s checks and words (added to `errors`)."""
    seen = parse_flag(row, f"{prefix}_seen")
    if seen is None:
        raise RowRefused(f"{prefix}_seen", f"{prefix}_seen is required")
    alone = parse_flag(row, f"{prefix}_seen_alone")
    bedroom = parse_flag(row, f"{prefix}_bedroom")
    if seen and unborn:
        add(
            errors,
            f"{prefix}_seen",
            "The child is not born yet (no date of birth is recorded), so cannot be seen.",
        )
    if not seen and alone:
        add(
            errors,
            f"{prefix}_seen_alone",
            "The child cannot have been seen alone: the visit says they were not seen.",
        )
    if not seen and bedroom:
        add(
            errors,
            f"{prefix}_bedroom",
            "Record the child's bedroom as seen only when the child was seen on the visit.",
        )
    return seen, alone if seen else None, bedroom if seen else None


@dataclass
class _VisitState:
    referrals: dict[UUID, list[Referral]]
    plans: dict[UUID, list[ChildInNeedPlan]]
    visits: dict[UUID, Visit]


def _covers(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day <= end)


class CinVisitsTable(Adapter):
    """A CIN visit names only the child: it goes to the child's referral open on the visit date,
    and to the CIN plan running then, if any (a visit during an assessment has no plan)."""

    name = "ssd_cin_visits"
    id_field = "cinv_cin_visit_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cinv_cin_visit_id",
        "cinv_person_id",
        "cinv_cin_visit_date",
        "cinv_cin_visit_seen",
        "cinv_cin_visit_seen_alone",
        "cinv_cin_visit_bedroom",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cin_episodes", "ssd_cin_plans")
    references: ClassVar[dict[str, str]] = {"cinv_person_id": "ssd_person"}
    model_label = "child_protection.visit"

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> _VisitState:
        persons = present(ctx.person((r.get("cinv_person_id") or "").strip()) for r in rows)
        state = _VisitState(defaultdict(list), defaultdict(list), {})
        for r in Referral.objects.filter(person_id__in=persons).select_related("person"):
            state.referrals[r.person_id].append(r)
        for p in ChildInNeedPlan.objects.filter(referral__person_id__in=persons):
            state.plans[p.referral_id].append(p)
        ids = present(ctx.known(self.name, (r.get(self.id_field) or "").strip()) for r in rows)
        state.visits = Visit.objects.in_bulk(ids)
        return state

    def load_row(self, row: Row, source_id: str, ctx: LoadContext, state: _VisitState, batch: Batch) -> Visit:
        person_id = person_of(row, "cinv_person_id", ctx)
        day = parse_date(row, "cinv_cin_visit_date", required=True)
        assert day is not None
        referral = next(
            (r for r in state.referrals[person_id] if _covers(r.referral_date, r.closed_on, day)), None
        )
        if referral is None:
            raise RowRefused("cinv_cin_visit_date", "No CIN episode of the child is open on the visit date.")
        errors: Errors = {}
        seen, alone, bedroom = visit_flags(errors, row, "cinv_cin_visit", unborn=is_unborn(referral.person))
        check_on_referral(errors, referral, "cinv_cin_visit_date", day, label="date of the visit")
        refuse_if(errors)
        plan = next((p for p in state.plans[referral.pk] if _covers(p.started_on, p.ended_on, day)), None)
        values: dict[str, Any] = {
            "referral": referral,
            "cin_plan": plan,
            "visited_on": day,
            "child_seen": seen,
            "seen_alone": alone,
            "bedroom_seen": bedroom,
        }
        existing_id = ctx.known(self.name, source_id)
        visit = state.visits.get(existing_id) if existing_id is not None else None
        if visit is None:
            visit = Visit(kind=VisitKind.CIN, recorded_by=ctx.actor, **values)
            batch.create(visit)
        else:
            for name, value in values.items():
                setattr(visit, name, value)
            batch.update(visit, values)
        batch.referrals.add(referral.pk)
        return visit

    def write(self, batch: Batch) -> None:
        batch.flush([Visit])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        rows = (
            Visit.objects.filter(kind=VisitKind.CIN).select_related("referral").order_by("visited_on", "pk")
        )
        pid = person_ids(rows.values_list("referral__person_id", flat=True))
        for v in rows.iterator(chunk_size=2000):
            yield {
                "cinv_cin_visit_id": ctx.ssd_id(self.name, v.pk, "V"),
                "cinv_person_id": pid[v.referral.person_id],
                "cinv_cin_visit_date": iso(v.visited_on),
                "cinv_cin_visit_seen": yes_no(v.child_seen),
                "cinv_cin_visit_seen_alone": yes_no(v.seen_alone),
                "cinv_cin_visit_bedroom": yes_no(v.bedroom_seen),
            }


register(CinVisitsTable())
