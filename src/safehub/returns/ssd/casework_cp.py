"""SSD section 47 enquiries, initial conferences, CP plans, reviews and CP visits (issue 7, items 1-2).

The entry-time checks of the strategy, conference and plan services (ADR 0004), for history:
dates on the referral and in order, an initial conference after its enquiry, one open enquiry per
referral, one CP plan at a time per child and none alongside a CIN plan (4016), reviews and
visits inside their plan. Rows of a table that points at a later table's ids are joined up when
the later table loads (a conference gets its plan and category from `ssd_cp_plans`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar
from uuid import UUID

from safehub.child_protection.clocks import icpc_due_on
from safehub.child_protection.constants import (
    ConferenceDecision,
    ConferenceKind,
    Section47Outcome,
    StrategyDecision,
)
from safehub.child_protection.models import (
    Conference,
    Section47Enquiry,
    StrategyDiscussion,
)
from safehub.child_protection.services._rules import Errors, _d, add, check_not_before
from safehub.platform.calendar import calendar

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_flag, parse_json
from .casework_cin import (
    check_on_referral,
    load_referrals,
    referral_for,
)
from .casework_common import (
    Adapter,
    Batch,
    flag_text,
    iso,
    known_of,
    person_ids,
    present,
    refuse_if,
    source_id_of,
)
from .tables import register

STRATEGY_RATIONALE = (
    "Imported from the SSD extract, which does not hold strategy discussions: "
    "recorded on the day the section 47 enquiry started."
)


def _flags(row: Row, name: str) -> dict[str, Any]:
    value = parse_json(row, name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RowRefused(name, f"{name} must be a JSON object of outcome flags")
    return value


def _yes(value: Any) -> bool:
    return str(value).strip().lower() in {"y", "yes", "1", "true"}


class Section47Table(Adapter):
    """A section 47 enquiry. Safehub starts one only from a strategy discussion, which the SSD does
    not hold: each enquiry gets a strategy discussion dated its start, decision "s47", whose
    rationale says it was imported. The outcome, once ended: CP_CONFERENCE_FLAG -> conference;
    the NFA column or flag -> not substantiated; otherwise substantiated, no conference.
    Not kept: the outcome comments, the worker and team (checked as references).
    """

    name = "ssd_s47_enquiry"
    id_field = "s47e_s47_enquiry_id"
    fields: ClassVar[tuple[str, ...]] = (
        "s47e_s47_enquiry_id",
        "s47e_referral_id",
        "s47e_person_id",
        "s47e_s47_start_date",
        "s47e_s47_end_date",
        "s47e_s47_nfa",
        "s47e_s47_outcome_json",
        "s47e_s47_completed_by_worker_id",
        "s47e_s47_completed_by_team",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cin_episodes", "ssd_department", "ssd_professionals")
    references: ClassVar[dict[str, str]] = {
        "s47e_referral_id": "ssd_cin_episodes",
        "s47e_person_id": "ssd_person",
        "s47e_s47_completed_by_worker_id": "ssd_professionals",
        "s47e_s47_completed_by_team": "ssd_department",
    }
    model_label = "child_protection.section47enquiry"
    not_kept = ("s47e_s47_completed_by_worker_id", "s47e_s47_completed_by_team")

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> Any:
        referrals = load_referrals(rows, ctx, "s47e_referral_id")
        by_referral: dict[UUID, list[Section47Enquiry]] = defaultdict(list)
        for e in Section47Enquiry.objects.filter(referral_id__in=referrals.keys()).select_related(
            "strategy_discussion"
        ):
            by_referral[e.referral_id].append(e)
        return referrals, by_referral, calendar()

    def load_row(
        self, row: Row, source_id: str, ctx: LoadContext, state: Any, batch: Batch
    ) -> Section47Enquiry:
        referrals, by_referral, cal = state
        referral = referral_for(row, "s47e_referral_id", "s47e_person_id", ctx, referrals)
        start = parse_date(row, "s47e_s47_start_date", required=True)
        assert start is not None
        end = parse_date(row, "s47e_s47_end_date")
        nfa = parse_flag(row, "s47e_s47_nfa")
        flags = _flags(row, "s47e_s47_outcome_json")
        known_of(row, "s47e_s47_completed_by_worker_id", "ssd_professionals", ctx)
        known_of(row, "s47e_s47_completed_by_team", "ssd_department", ctx)
        errors: Errors = {}
        check_on_referral(
            errors, referral, "s47e_s47_start_date", start, label="start of the section 47 enquiry"
        )
        check_on_referral(errors, referral, "s47e_s47_end_date", end, label="end of the section 47 enquiry")
        check_not_before(
            errors, "s47e_s47_end_date", end, start, label="end date", what="start of the enquiry"
        )
        existing_id = ctx.known(self.name, source_id)
        if end is None:
            other = next(
                (e for e in by_referral[referral.pk] if e.completed_on is None and e.pk != existing_id), None
            )
            if other is not None:
                add(
                    errors,
                    "s47e_s47_end_date",
                    f"The section 47 enquiry started on {_d(other.started_on)} is still open on this referral: "
                    "one enquiry at a time until its outcome is recorded.",
                )
        refuse_if(errors)
        outcome = ""
        if end is not None:
            if _yes(flags.get("CP_CONFERENCE_FLAG")):
                outcome = Section47Outcome.CONFERENCE
            elif nfa or _yes(flags.get("NFA_FLAG")):
                outcome = Section47Outcome.NOT_SUBSTANTIATED
            else:
                outcome = Section47Outcome.SUBSTANTIATED_NO_CONFERENCE
        values: dict[str, Any] = {
            "started_on": start,
            "icpc_due_on": icpc_due_on(start, cal),
            "completed_on": end,
            "outcome": outcome,
        }
        enquiry = next((e for e in by_referral[referral.pk] if e.pk == existing_id), None)
        if existing_id is not None and enquiry is None:
            raise RowRefused(
                "s47e_referral_id", "This enquiry was loaded onto another referral; it cannot move."
            )
        if enquiry is None:
            discussion = StrategyDiscussion(
                referral=referral,
                held_on=start,
                decision=StrategyDecision.SECTION_47,
                rationale=STRATEGY_RATIONALE,
                recorded_by=ctx.actor,
                updated_by=ctx.actor,
            )
            batch.create(discussion)
            enquiry = Section47Enquiry(
                referral=referral, strategy_discussion=discussion, updated_by=ctx.actor, **values
            )
            batch.create(enquiry)
            by_referral[referral.pk].append(enquiry)
        else:
            for name, value in values.items():
                setattr(enquiry, name, value)
            batch.update(enquiry, values)
            discussion = enquiry.strategy_discussion
            if discussion.held_on != start:
                discussion.held_on = start
                batch.update(discussion, ["held_on"])
        batch.referrals.add(referral.pk)
        return enquiry

    def write(self, batch: Batch) -> None:
        batch.flush([StrategyDiscussion, Section47Enquiry])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        rows = Section47Enquiry.objects.select_related("referral").order_by("started_on", "pk")
        pid = person_ids(rows.values_list("referral__person_id", flat=True))
        flag: dict[str, str] = {
            Section47Outcome.CONFERENCE: "CP_CONFERENCE_FLAG",
            Section47Outcome.NOT_SUBSTANTIATED: "NFA_FLAG",
            Section47Outcome.SUBSTANTIATED_NO_CONFERENCE: "PROV_OF_SERVICES_FLAG",
        }
        for e in rows.iterator(chunk_size=2000):
            done = e.completed_on is not None
            yield {
                "s47e_s47_enquiry_id": ctx.ssd_id(self.name, e.pk, "S"),
                "s47e_referral_id": ctx.ssd_id("ssd_cin_episodes", e.referral_id, "R"),
                "s47e_person_id": pid[e.referral.person_id],
                "s47e_s47_start_date": iso(e.started_on),
                "s47e_s47_end_date": iso(e.completed_on),
                "s47e_s47_nfa": flag_text(e.outcome == Section47Outcome.NOT_SUBSTANTIATED) if done else "",
                "s47e_s47_outcome_json": json.dumps({flag[e.outcome]: "Y"}) if e.outcome in flag else "",
                "s47e_s47_completed_by_worker_id": "",
                "s47e_s47_completed_by_team": "",
            }


register(Section47Table())


class InitialConferenceTable(Adapter):
    """An initial (or, with the transfer-in flag, transfer-in) conference: due on the target date,
    held on the conference date, deciding "plan" or "no plan" by the CP outcome flag. An initial
    conference follows its section 47 enquiry, whose outcome was a conference (as
    `conference_record` requires). The plan and its category join it when `ssd_cp_plans` loads.
    Not kept: the meeting id, the outcome JSON, the team and worker (checked as references).
    """

    name = "ssd_initial_cp_conference"
    id_field = "icpc_icpc_id"
    fields: ClassVar[tuple[str, ...]] = (
        "icpc_icpc_id",
        "icpc_icpc_meeting_id",
        "icpc_s47_enquiry_id",
        "icpc_person_id",
        "icpc_cp_plan_id",
        "icpc_referral_id",
        "icpc_icpc_transfer_in",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "icpc_icpc_outcome_cp_flag",
        "icpc_icpc_outcome_json",
        "icpc_icpc_team",
        "icpc_icpc_worker_id",
    )
    depends_on: ClassVar[tuple[str, ...]] = (
        "ssd_cin_episodes",
        "ssd_s47_enquiry",
        "ssd_department",
        "ssd_professionals",
    )
    references: ClassVar[dict[str, str]] = {
        "icpc_s47_enquiry_id": "ssd_s47_enquiry",
        "icpc_person_id": "ssd_person",
        "icpc_referral_id": "ssd_cin_episodes",
        "icpc_icpc_team": "ssd_department",
        "icpc_icpc_worker_id": "ssd_professionals",
    }
    model_label = "child_protection.conference"
    not_kept = ("icpc_icpc_meeting_id", "icpc_icpc_outcome_json", "icpc_icpc_team", "icpc_icpc_worker_id")

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> Any:
        referrals = load_referrals(rows, ctx, "icpc_referral_id")
        enquiry_ids = present(
            ctx.known("ssd_s47_enquiry", (r.get("icpc_s47_enquiry_id") or "").strip()) for r in rows
        )
        enquiries = Section47Enquiry.objects.select_related("strategy_discussion").in_bulk(enquiry_ids)
        ids = present(ctx.known(self.name, (r.get(self.id_field) or "").strip()) for r in rows)
        return referrals, enquiries, Conference.objects.in_bulk(ids)

    def load_row(self, row: Row, source_id: str, ctx: LoadContext, state: Any, batch: Batch) -> Conference:
        referrals, enquiries, existing = state
        referral = referral_for(row, "icpc_referral_id", "icpc_person_id", ctx, referrals)
        enquiry_id = known_of(row, "icpc_s47_enquiry_id", "ssd_s47_enquiry", ctx)
        transfer_in = bool(parse_flag(row, "icpc_icpc_transfer_in"))
        due = parse_date(row, "icpc_icpc_target_date")
        held = parse_date(row, "icpc_icpc_date")
        plan_flag = parse_flag(row, "icpc_icpc_outcome_cp_flag")
        flags = _flags(row, "icpc_icpc_outcome_json")
        if plan_flag is None and "CP_FLAG" in flags:
            plan_flag = _yes(flags["CP_FLAG"])
        known_of(row, "icpc_icpc_team", "ssd_department", ctx)
        known_of(row, "icpc_icpc_worker_id", "ssd_professionals", ctx)
        errors: Errors = {}
        check_on_referral(errors, referral, "icpc_icpc_date", held, label="date the conference was held")
        enquiry = enquiries.get(enquiry_id) if enquiry_id is not None else None
        if enquiry is not None and enquiry.referral_id != referral.pk:
            add(errors, "icpc_s47_enquiry_id", "The section 47 enquiry is on another referral.")
        elif not transfer_in and (enquiry is None or enquiry.outcome != Section47Outcome.CONFERENCE):
            add(
                errors,
                "icpc_s47_enquiry_id",
                "An initial conference follows a section 47 enquiry whose outcome was a conference: "
                "record that outcome first.",
            )
        elif enquiry is not None:
            check_not_before(
                errors,
                "icpc_icpc_date",
                held,
                enquiry.strategy_discussion.held_on,
                label="conference date",
                what="strategy discussion",
            )
            check_not_before(
                errors,
                "icpc_icpc_date",
                held,
                enquiry.started_on,
                label="conference date",
                what="section 47 enquiry start",
            )
        if held is None and plan_flag is not None:
            add(errors, "icpc_icpc_date", "Enter the date the conference was held: it has an outcome.")
        if held is not None and plan_flag is None:
            add(
                errors, "icpc_icpc_outcome_cp_flag", "Choose whether the child needs a child protection plan."
            )
        refuse_if(errors)
        values: dict[str, Any] = {
            "referral": referral,
            "kind": ConferenceKind.TRANSFER_IN if transfer_in else ConferenceKind.INITIAL,
            "section47": enquiry,
            "due_on": due,
            "held_on": held,
            "decision": ""
            if plan_flag is None
            else (ConferenceDecision.PLAN if plan_flag else ConferenceDecision.NO_PLAN),
        }
        existing_id = ctx.known(self.name, source_id)
        conference = existing.get(existing_id) if existing_id is not None else None
        if conference is None:
            conference = Conference(recorded_by=ctx.actor, updated_by=ctx.actor, **values)
            batch.create(conference)
        else:
            if conference.plan_id is not None and values["decision"] != ConferenceDecision.PLAN:
                raise RowRefused(
                    "icpc_icpc_outcome_cp_flag",
                    "A child protection plan started at this conference: its outcome stays a plan.",
                )
            for name, value in values.items():
                setattr(conference, name, value)
            batch.update(conference, values)
        batch.referrals.add(referral.pk)
        return conference

    def write(self, batch: Batch) -> None:
        batch.flush([Conference])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        kinds = (ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN)
        rows = (
            Conference.objects.filter(kind__in=kinds)
            .select_related("referral")
            .order_by("due_on", "held_on", "pk")
        )
        pid = person_ids(rows.values_list("referral__person_id", flat=True))
        for c in rows.iterator(chunk_size=2000):
            decided = c.decision in (ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN)
            yield {
                "icpc_icpc_id": ctx.ssd_id(self.name, c.pk, "IC"),
                "icpc_icpc_meeting_id": "",
                "icpc_s47_enquiry_id": source_id_of(ctx, "ssd_s47_enquiry", c.section47_id, "S"),
                "icpc_person_id": pid[c.referral.person_id],
                "icpc_cp_plan_id": source_id_of(ctx, "ssd_cp_plans", c.plan_id, "PL"),
                "icpc_referral_id": ctx.ssd_id("ssd_cin_episodes", c.referral_id, "R"),
                "icpc_icpc_transfer_in": flag_text(c.kind == ConferenceKind.TRANSFER_IN),
                "icpc_icpc_target_date": iso(c.due_on),
                "icpc_icpc_date": iso(c.held_on),
                "icpc_icpc_outcome_cp_flag": flag_text(c.decision == ConferenceDecision.PLAN)
                if decided
                else "",
                "icpc_icpc_outcome_json": "",
                "icpc_icpc_team": "",
                "icpc_icpc_worker_id": "",
            }


register(InitialConferenceTable())
