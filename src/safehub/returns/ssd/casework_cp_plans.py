"""SSD child protection plans, review conferences and CP visits (issue 7, items 1-2).

The checks of `conference_record`/`_check_plan_can_start`, `cp_plan_end` and `visit_record`:
one open plan per child and none overlapping another (a plan starts no earlier than its
conference), none alongside a CIN plan (4016), reviews and visits inside their plan's dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar
from uuid import UUID

from safehub.child_protection.constants import ConferenceDecision, ConferenceKind, PlanEndReason, VisitKind
from safehub.child_protection.models import ChildInNeedPlan, ChildProtectionPlan, Conference, Visit
from safehub.child_protection.services._rules import Errors, _d, add, check_not_before
from safehub.people.services.birth import is_unborn

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_flag
from .casework_cin import check_on_referral, load_referrals, referral_for, yes_no
from .casework_cin_plans import visit_flags
from .casework_common import (
    CATEGORY_TO_SSD,
    Adapter,
    Batch,
    category,
    flag_text,
    iso,
    known_of,
    person_ids,
    person_of,
    present,
    refuse_if,
)
from .casework_referrals import _overlap
from .tables import register


class CpPlansTable(Adapter):
    """A CP plan on its referral, started by its initial or transfer-in conference (`cppl_icpc_id`,
    which then records the plan and its category). An ended plan's reason is "other" until a review
    that ended it loads ("review"): the SSD holds no end reason. Categories are read as the SSD's
    words or the census codes and kept as census codes; an export writes the SSD's words.
    Not kept: the other-local-authority flag.
    """

    name = "ssd_cp_plans"
    id_field = "cppl_cp_plan_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cppl_cp_plan_id",
        "cppl_referral_id",
        "cppl_icpc_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_ola",
        "cppl_cp_plan_latest_category",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cin_episodes", "ssd_initial_cp_conference", "ssd_cin_plans")
    references: ClassVar[dict[str, str]] = {
        "cppl_referral_id": "ssd_cin_episodes",
        "cppl_icpc_id": "ssd_initial_cp_conference",
        "cppl_person_id": "ssd_person",
    }
    model_label = "child_protection.childprotectionplan"
    not_kept = ("cppl_cp_plan_ola",)

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> Any:
        referrals = load_referrals(rows, ctx, "cppl_referral_id")
        persons = {r.person_id for r in referrals.values()}
        plans: dict[UUID, list[ChildProtectionPlan]] = defaultdict(list)
        for p in ChildProtectionPlan.objects.filter(person_id__in=persons):
            plans[p.person_id].append(p)
        cin: dict[UUID, list[ChildInNeedPlan]] = defaultdict(list)
        for c in ChildInNeedPlan.objects.filter(referral__person_id__in=persons).select_related("referral"):
            cin[c.referral.person_id].append(c)
        icpc_ids = present(
            ctx.known("ssd_initial_cp_conference", (r.get("cppl_icpc_id") or "").strip()) for r in rows
        )
        return referrals, plans, cin, Conference.objects.in_bulk(icpc_ids)

    def load_row(
        self, row: Row, source_id: str, ctx: LoadContext, state: Any, batch: Batch
    ) -> ChildProtectionPlan:
        referrals, plans, cin, conferences = state
        referral = referral_for(row, "cppl_referral_id", "cppl_person_id", ctx, referrals)
        conference_id = known_of(row, "cppl_icpc_id", "ssd_initial_cp_conference", ctx)
        start = parse_date(row, "cppl_cp_plan_start_date", required=True)
        assert start is not None
        end = parse_date(row, "cppl_cp_plan_end_date")
        initial = category(row, "cppl_cp_plan_initial_category", required=True)
        latest = category(row, "cppl_cp_plan_latest_category", required=False) or initial
        parse_flag(row, "cppl_cp_plan_ola")
        errors: Errors = {}
        check_on_referral(
            errors, referral, "cppl_cp_plan_start_date", start, label="start of the child protection plan"
        )
        check_on_referral(errors, referral, "cppl_cp_plan_end_date", end, label="date the plan ended")
        check_not_before(errors, "cppl_cp_plan_end_date", end, start, label="end date", what="plan start")
        conference = conferences.get(conference_id) if conference_id is not None else None
        existing_id = ctx.known(self.name, source_id)
        if conference is not None:
            if conference.referral_id != referral.pk:
                add(errors, "cppl_icpc_id", "The conference is on another referral.")
            elif conference.decision != ConferenceDecision.PLAN:
                add(errors, "cppl_icpc_id", "The conference did not decide on a child protection plan.")
            elif conference.plan_id not in (None, existing_id):
                add(errors, "cppl_icpc_id", "The conference already started another child protection plan.")
            else:
                check_not_before(
                    errors,
                    "cppl_cp_plan_start_date",
                    start,
                    conference.held_on,
                    label="plan start",
                    what="conference",
                )
        for other in plans[referral.person_id]:
            if other.pk != existing_id and _overlap(start, end, other.started_on, other.ended_on):
                if other.ended_on is None:
                    add(
                        errors,
                        "cppl_cp_plan_start_date",
                        f"The child is already on a child protection plan from {_d(other.started_on)}.",
                    )
                else:
                    add(
                        errors,
                        "cppl_cp_plan_start_date",
                        f"The child's child protection plan from {_d(other.started_on)} to {_d(other.ended_on)} overlaps this one.",
                    )
                break
        for cin_plan in cin[referral.person_id]:
            if _overlap(start, end, cin_plan.started_on, cin_plan.ended_on):
                until = f"to {_d(cin_plan.ended_on)}" if cin_plan.ended_on else "and is still open"
                add(
                    errors,
                    "cppl_cp_plan_start_date",
                    f"The child was on a child in need plan from {_d(cin_plan.started_on)} {until}; "
                    f"a child protection plan cannot start on {_d(start)} and overlap it.",
                )
                break
        refuse_if(errors)
        person = referral.person
        values: dict[str, Any] = {
            "started_on": start,
            "ended_on": end,
            "initial_category": initial,
            "latest_category": latest,
            "unborn_at_start": is_unborn(person)
            or (person.date_of_birth is not None and start < person.date_of_birth),
        }
        plan = next((p for p in plans[referral.person_id] if p.pk == existing_id), None)
        if existing_id is not None and plan is None:
            raise RowRefused("cppl_referral_id", "This plan was loaded for another child; it cannot move.")
        if plan is None:
            plan = ChildProtectionPlan(
                referral=referral,
                person_id=referral.person_id,
                updated_by=ctx.actor,
                end_reason=PlanEndReason.OTHER if end else "",
                **values,
            )
            batch.create(plan)
            plans[referral.person_id].append(plan)
        else:
            if end is None:
                values["end_reason"] = ""
            elif not plan.end_reason:
                values["end_reason"] = PlanEndReason.OTHER
            for name, value in values.items():
                setattr(plan, name, value)
            batch.update(plan, values)
        if conference is not None and (conference.plan_id != plan.pk or conference.category != initial):
            conference.plan, conference.category = plan, initial
            batch.update(conference, ["plan", "category"])
        batch.referrals.add(referral.pk)
        return plan

    def write(self, batch: Batch) -> None:
        batch.flush([ChildProtectionPlan, Conference])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        starts = {
            c.plan_id: c.pk
            for c in Conference.objects.filter(
                kind__in=(ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN), plan__isnull=False
            )
        }
        pid = person_ids(ChildProtectionPlan.objects.values_list("person_id", flat=True))
        for p in ChildProtectionPlan.objects.order_by("started_on", "pk").iterator(chunk_size=2000):
            icpc = starts.get(p.pk)
            yield {
                "cppl_cp_plan_id": ctx.ssd_id(self.name, p.pk, "PL"),
                "cppl_referral_id": ctx.ssd_id("ssd_cin_episodes", p.referral_id, "R"),
                "cppl_icpc_id": ctx.ssd_id("ssd_initial_cp_conference", icpc, "IC") if icpc else "",
                "cppl_person_id": pid[p.person_id],
                "cppl_cp_plan_start_date": iso(p.started_on),
                "cppl_cp_plan_end_date": iso(p.ended_on),
                "cppl_cp_plan_initial_category": CATEGORY_TO_SSD.get(p.initial_category, p.initial_category),
                "cppl_cp_plan_ola": "",
                "cppl_cp_plan_latest_category": CATEGORY_TO_SSD.get(p.latest_category, p.latest_category),
            }


register(CpPlansTable())


def _plans_of(rows: Sequence[Row], ctx: LoadContext, name: str) -> dict[UUID, ChildProtectionPlan]:
    ids = present(ctx.known("ssd_cp_plans", (r.get(name) or "").strip()) for r in rows)
    return ChildProtectionPlan.objects.select_related("referral", "person").in_bulk(ids)


def _plan_for(
    row: Row, name: str, person_field: str, ctx: LoadContext, plans: dict[UUID, ChildProtectionPlan]
) -> ChildProtectionPlan:
    plan_id = known_of(row, name, "ssd_cp_plans", ctx, required=True)
    plan = plans[plan_id]  # type: ignore[index]
    if plan.person_id != person_of(row, person_field, ctx):
        raise RowRefused(person_field, f"{person_field} is not the child of the plan {row.get(name)!r}")
    return plan


class CpReviewsTable(Adapter):
    """A review conference of a plan: due, held, and "continue" or "end" (the continue flag). A
    review that ends the plan is held on the plan's end date, which it then gives its reason.
    Not kept: the meeting id and the child's participation.
    """

    name = "ssd_cp_reviews"
    id_field = "cppr_cp_review_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cppr_cp_review_id",
        "cppr_person_id",
        "cppr_cp_plan_id",
        "cppr_cp_review_due",
        "cppr_cp_review_date",
        "cppr_cp_review_meeting_id",
        "cppr_cp_review_outcome_continue_cp",
        "cppr_cp_review_quorate",
        "cppr_cp_review_participation",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cp_plans",)
    references: ClassVar[dict[str, str]] = {"cppr_person_id": "ssd_person", "cppr_cp_plan_id": "ssd_cp_plans"}
    model_label = "child_protection.conference"
    not_kept = ("cppr_cp_review_meeting_id", "cppr_cp_review_participation")

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> Any:
        ids = present(ctx.known(self.name, (r.get(self.id_field) or "").strip()) for r in rows)
        return _plans_of(rows, ctx, "cppr_cp_plan_id"), Conference.objects.in_bulk(ids)

    def load_row(self, row: Row, source_id: str, ctx: LoadContext, state: Any, batch: Batch) -> Conference:
        plans, existing = state
        plan = _plan_for(row, "cppr_cp_plan_id", "cppr_person_id", ctx, plans)
        due = parse_date(row, "cppr_cp_review_due")
        held = parse_date(row, "cppr_cp_review_date")
        carry_on = parse_flag(row, "cppr_cp_review_outcome_continue_cp")
        quorate = parse_flag(row, "cppr_cp_review_quorate")
        errors: Errors = {}
        check_on_referral(errors, plan.referral, "cppr_cp_review_date", held, label="review date")
        check_not_before(
            errors, "cppr_cp_review_date", held, plan.started_on, label="review date", what="plan start"
        )
        if held is not None and plan.ended_on is not None and held > plan.ended_on:
            add(
                errors,
                "cppr_cp_review_date",
                f"The plan ended on {_d(plan.ended_on)}: a review cannot be later.",
            )
        if held is None and carry_on is not None:
            add(errors, "cppr_cp_review_date", "Enter the date of the review: it has an outcome.")
        if held is not None and carry_on is None:
            add(errors, "cppr_cp_review_outcome_continue_cp", "Choose whether the plan continues or ends.")
        if held is not None and carry_on is False and plan.ended_on != held:
            ended = f"ended on {_d(plan.ended_on)}" if plan.ended_on else "has no end date"
            add(
                errors,
                "cppr_cp_review_outcome_continue_cp",
                f"The review ended the plan on {_d(held)}, but the plan {ended}.",
            )
        refuse_if(errors)
        values: dict[str, Any] = {
            "due_on": due,
            "held_on": held,
            "decision": ""
            if carry_on is None
            else (ConferenceDecision.CONTINUE if carry_on else ConferenceDecision.END),
            "quorate": quorate,
        }
        existing_id = ctx.known(self.name, source_id)
        review = existing.get(existing_id) if existing_id is not None else None
        if review is None:
            review = Conference(
                referral=plan.referral,
                kind=ConferenceKind.REVIEW,
                plan=plan,
                recorded_by=ctx.actor,
                updated_by=ctx.actor,
                **values,
            )
            batch.create(review)
        else:
            if review.plan_id != plan.pk:
                raise RowRefused(
                    "cppr_cp_plan_id", "This review was loaded for another plan; it cannot move."
                )
            for name, value in values.items():
                setattr(review, name, value)
            batch.update(review, values)
        if carry_on is False and plan.end_reason != PlanEndReason.REVIEW_CONFERENCE:
            plan.end_reason = PlanEndReason.REVIEW_CONFERENCE
            batch.update(plan, ["end_reason"])
        batch.referrals.add(plan.referral_id)
        return review

    def write(self, batch: Batch) -> None:
        batch.flush([ChildProtectionPlan, Conference])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        rows = Conference.objects.filter(kind=ConferenceKind.REVIEW, plan__isnull=False).select_related(
            "plan"
        )
        pid = person_ids(rows.values_list("plan__person_id", flat=True))
        for c in rows.order_by("due_on", "held_on", "pk").iterator(chunk_size=2000):
            assert c.plan is not None
            decided = c.decision in (ConferenceDecision.CONTINUE, ConferenceDecision.END)
            yield {
                "cppr_cp_review_id": ctx.ssd_id(self.name, c.pk, "RV"),
                "cppr_person_id": pid[c.plan.person_id],
                "cppr_cp_plan_id": ctx.ssd_id("ssd_cp_plans", c.plan_id, "PL"),  # type: ignore[arg-type]
                "cppr_cp_review_due": iso(c.due_on),
                "cppr_cp_review_date": iso(c.held_on),
                "cppr_cp_review_meeting_id": "",
                "cppr_cp_review_outcome_continue_cp": yes_no(c.decision == ConferenceDecision.CONTINUE)
                if decided
                else "",
                "cppr_cp_review_quorate": flag_text(c.quorate),
                "cppr_cp_review_participation": "",
            }


register(CpReviewsTable())


class CpVisitsTable(Adapter):
    """A CP visit on its plan (and the plan's referral), inside the plan's dates."""

    name = "ssd_cp_visits"
    id_field = "cppv_cp_visit_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cppv_cp_visit_id",
        "cppv_person_id",
        "cppv_cp_plan_id",
        "cppv_cp_visit_date",
        "cppv_cp_visit_seen",
        "cppv_cp_visit_seen_alone",
        "cppv_cp_visit_bedroom",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cp_plans",)
    references: ClassVar[dict[str, str]] = {"cppv_person_id": "ssd_person", "cppv_cp_plan_id": "ssd_cp_plans"}
    model_label = "child_protection.visit"

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> Any:
        ids = present(ctx.known(self.name, (r.get(self.id_field) or "").strip()) for r in rows)
        return _plans_of(rows, ctx, "cppv_cp_plan_id"), Visit.objects.in_bulk(ids)

    def load_row(self, row: Row, source_id: str, ctx: LoadContext, state: Any, batch: Batch) -> Visit:
        plans, existing = state
        plan = _plan_for(row, "cppv_cp_plan_id", "cppv_person_id", ctx, plans)
        day = parse_date(row, "cppv_cp_visit_date", required=True)
        errors: Errors = {}
        seen, alone, bedroom = visit_flags(errors, row, "cppv_cp_visit", unborn=is_unborn(plan.person))
        check_on_referral(errors, plan.referral, "cppv_cp_visit_date", day, label="date of the visit")
        check_not_before(
            errors, "cppv_cp_visit_date", day, plan.started_on, label="visit date", what="plan start"
        )
        if day is not None and plan.ended_on is not None and day > plan.ended_on:
            add(
                errors,
                "cppv_cp_visit_date",
                f"The plan ended on {_d(plan.ended_on)}: a visit on it cannot be later.",
            )
        refuse_if(errors)
        values: dict[str, Any] = {
            "cp_plan": plan,
            "visited_on": day,
            "child_seen": seen,
            "seen_alone": alone,
            "bedroom_seen": bedroom,
        }
        existing_id = ctx.known(self.name, source_id)
        visit = existing.get(existing_id) if existing_id is not None else None
        if visit is None:
            visit = Visit(referral=plan.referral, kind=VisitKind.CP, recorded_by=ctx.actor, **values)
            batch.create(visit)
        else:
            values["referral"] = plan.referral
            for name, value in values.items():
                setattr(visit, name, value)
            batch.update(visit, values)
        batch.referrals.add(plan.referral_id)
        return visit

    def write(self, batch: Batch) -> None:
        batch.flush([Visit])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        rows = Visit.objects.filter(kind=VisitKind.CP, cp_plan__isnull=False).select_related("referral")
        pid = person_ids(rows.values_list("referral__person_id", flat=True))
        for v in rows.order_by("visited_on", "pk").iterator(chunk_size=2000):
            yield {
                "cppv_cp_visit_id": ctx.ssd_id(self.name, v.pk, "V"),
                "cppv_person_id": pid[v.referral.person_id],
                "cppv_cp_plan_id": ctx.ssd_id("ssd_cp_plans", v.cp_plan_id, "PL"),  # type: ignore[arg-type]
                "cppv_cp_visit_date": iso(v.visited_on),
                "cppv_cp_visit_seen": yes_no(v.child_seen),
                "cppv_cp_visit_seen_alone": yes_no(v.seen_alone),
                "cppv_cp_visit_bedroom": yes_no(v.bedroom_seen),
            }


register(CpVisitsTable())
