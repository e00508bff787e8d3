"""SSD assessments and assessment factors (issue 7, items 1-2); CIN plans and visits are in
`casework_cin_plans`, and share the checks below.

Each row hangs on a referral loaded from `ssd_cin_episodes`. The checks are the entry-time ones
of the child protection services (ADR 0004), reused where they stand alone (`_rules`,
`check_factors`) and repeated here where the service mixes them with its writes: every date on or
after the referral, none in the future nor after the closure (8565), nothing at all on a referral
closed as no further action (8831), one open assessment / CIN plan per referral, and no CIN plan
alongside a child protection plan (4016). History is kept, not refused: work on a referral that
has since closed loads, where a typed entry would need the referral open.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from safehub.child_protection.clocks import assessment_due_on
from safehub.child_protection.constants import AssessmentOutcome
from safehub.child_protection.models import Assessment, Referral
from safehub.child_protection.services._rules import Errors, _d, add, check_activity_date, check_not_before
from safehub.child_protection.services.assessment import check_factors, factor_codes
from safehub.people.services.birth import is_unborn
from safehub.platform.calendar import WorkingCalendar, calendar

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_flag, parse_json
from .casework_common import (
    Adapter,
    Batch,
    flag_text,
    iso,
    known_of,
    person_ids,
    person_of,
    present,
    refuse_if,
)
from .tables import register


def referral_for(
    row: Row, name: str, person_field: str, ctx: LoadContext, referrals: dict[UUID, Referral]
) -> Referral:
    """The referral a row names, which must be the same child's as the row's person column."""
    referral_id = known_of(row, name, "ssd_cin_episodes", ctx, required=True)
    person_id = person_of(row, person_field, ctx)
    referral = referrals[referral_id]  # type: ignore[index]
    if referral.person_id != person_id:
        raise RowRefused(person_field, f"{person_field} is not the child of the referral {row.get(name)!r}")
    return referral


def check_on_referral(errors: Errors, referral: Referral, name: str, day: date | None, *, label: str) -> None:
    """An activity date on a referral: on or after it, not in the future, not after its closure
    (`_rules.check_activity_date`), and never on a referral closed as no further action (8831)."""
    if referral.nfa:
        when = f" on {_d(referral.closed_on)}" if referral.closed_on is not None else ""
        add(errors, name, f"The case closed{when} with no further action: nothing more is recorded on it.")
        return
    if day is not None:
        check_activity_date(errors, referral, name, day, label=label)


def load_referrals(rows: Sequence[Row], ctx: LoadContext, name: str) -> dict[UUID, Referral]:
    ids = present(ctx.known("ssd_cin_episodes", (r.get(name) or "").strip()) for r in rows)
    return Referral.objects.select_related("person").in_bulk(ids)


def yes_no(value: bool | None) -> str:
    return flag_text(value, yes="Yes", no="No")


# --- Assessments ----------------------------------------------------------------------------------

_ASSESSMENT_FLAGS = (
    ("NFA_FLAG", AssessmentOutcome.NO_FURTHER_ACTION),
    ("NFA_S47_END_FLAG", AssessmentOutcome.NO_FURTHER_ACTION),
    ("STRATEGY_DISCUSSION_FLAG", AssessmentOutcome.STRATEGY),
    ("CLA_REQUEST_FLAG", AssessmentOutcome.LOOKED_AFTER),
    ("PROV_OF_SERVICES_FLAG", AssessmentOutcome.CIN_PLAN),
)
_OUTCOME_FLAG: dict[str, str] = {
    AssessmentOutcome.NO_FURTHER_ACTION: "NFA_FLAG",
    AssessmentOutcome.STRATEGY: "STRATEGY_DISCUSSION_FLAG",
    AssessmentOutcome.LOOKED_AFTER: "CLA_REQUEST_FLAG",
    AssessmentOutcome.CIN_PLAN: "PROV_OF_SERVICES_FLAG",
    AssessmentOutcome.EARLY_HELP: "REFERRAL_TO_OTHER_AGENCY_FLAG",
    AssessmentOutcome.OTHER: "OTHER_OUTCOMES_EXIST_FLAG",
}


def _yes(value: Any) -> bool:
    return str(value).strip().lower() in {"y", "yes", "1", "true"}


@dataclass
class _AssessmentState:
    referrals: dict[UUID, Referral]
    by_referral: dict[UUID, list[Assessment]]
    cal: WorkingCalendar
    # Referral date -> its assessment's due date: counting 45 working days is done once a date.
    due: dict[date, date] = field(default_factory=dict)

    def due_on(self, referral_date: date) -> date:
        found = self.due.get(referral_date)
        if found is None:
            found = self.due[referral_date] = assessment_due_on(referral_date, self.cal)
        return found


class CinAssessmentsTable(Adapter):
    """An assessment: started, child seen (Y -> seen on the start date: the SSD has no date),
    authorised (also its completion date), and the outcome its flags say (NFA, strategy, looked
    after, provision of services -> CIN plan, another flag -> other). Its factors come from
    `ssd_assessment_factors`. Not kept: the team and worker (checked as references), the comments.
    """

    name = "ssd_cin_assessments"
    id_field = "cina_assessment_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cina_assessment_id",
        "cina_person_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_child_seen",
        "cina_assessment_auth_date",
        "cina_assessment_outcome_json",
        "cina_assessment_outcome_nfa",
        "cina_assessment_team",
        "cina_assessment_worker_id",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cin_episodes", "ssd_department", "ssd_professionals")
    references: ClassVar[dict[str, str]] = {
        "cina_person_id": "ssd_person",
        "cina_referral_id": "ssd_cin_episodes",
        "cina_assessment_team": "ssd_department",
        "cina_assessment_worker_id": "ssd_professionals",
    }
    model_label = "child_protection.assessment"
    not_kept = ("cina_assessment_outcome_json", "cina_assessment_team", "cina_assessment_worker_id")

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> _AssessmentState:
        referrals = load_referrals(rows, ctx, "cina_referral_id")
        by_referral: dict[UUID, list[Assessment]] = defaultdict(list)
        for a in Assessment.objects.filter(referral_id__in=referrals.keys()):
            by_referral[a.referral_id].append(a)
        return _AssessmentState(referrals, by_referral, calendar())

    def load_row(
        self, row: Row, source_id: str, ctx: LoadContext, state: _AssessmentState, batch: Batch
    ) -> Assessment:
        referral = referral_for(row, "cina_referral_id", "cina_person_id", ctx, state.referrals)
        started_on = parse_date(row, "cina_assessment_start_date", required=True)
        authorised_on = parse_date(row, "cina_assessment_auth_date")
        seen = parse_flag(row, "cina_assessment_child_seen")
        nfa = parse_flag(row, "cina_assessment_outcome_nfa")
        flags = parse_json(row, "cina_assessment_outcome_json")
        if flags is not None and not isinstance(flags, dict):
            raise RowRefused(
                "cina_assessment_outcome_json",
                "cina_assessment_outcome_json must be a JSON object of outcome flags",
            )
        known_of(row, "cina_assessment_team", "ssd_department", ctx)
        known_of(row, "cina_assessment_worker_id", "ssd_professionals", ctx)
        errors: Errors = {}
        check_on_referral(
            errors, referral, "cina_assessment_start_date", started_on, label="start of the assessment"
        )
        check_on_referral(
            errors, referral, "cina_assessment_auth_date", authorised_on, label="authorisation date"
        )
        check_not_before(
            errors,
            "cina_assessment_auth_date",
            authorised_on,
            started_on,
            label="authorisation date",
            what="start of the assessment",
        )
        if seen and is_unborn(referral.person):
            add(
                errors,
                "cina_assessment_child_seen",
                "The child is not born yet (no date of birth is recorded), so cannot have been seen.",
            )
        existing_id = ctx.known(self.name, source_id)
        if authorised_on is None:
            other = next(
                (
                    a
                    for a in state.by_referral[referral.pk]
                    if a.authorised_on is None and a.pk != existing_id
                ),
                None,
            )
            if other is not None:
                add(
                    errors,
                    "cina_assessment_auth_date",
                    f"An assessment started on {_d(other.started_on)} is still open on this referral: "
                    "one assessment at a time until it is authorised.",
                )
        refuse_if(errors)
        assert started_on is not None
        outcome = ""
        if nfa:
            outcome = AssessmentOutcome.NO_FURTHER_ACTION
        elif flags:
            outcome = next((o for f, o in _ASSESSMENT_FLAGS if _yes(flags.get(f))), "")
            if not outcome and any(_yes(v) for k, v in flags.items() if k.endswith("_FLAG")):
                outcome = AssessmentOutcome.OTHER
        values: dict[str, Any] = {
            "started_on": started_on,
            "due_on": state.due_on(referral.referral_date),
            "child_seen_on": started_on if seen else None,
            "completed_on": authorised_on,
            "authorised_on": authorised_on,
            "outcome": outcome if authorised_on is not None else "",
        }
        assessment = next((a for a in state.by_referral[referral.pk] if a.pk == existing_id), None)
        if existing_id is not None and assessment is None:
            raise RowRefused(
                "cina_referral_id", "This assessment was loaded onto another referral; it cannot move."
            )
        if assessment is None:
            assessment = Assessment(referral=referral, updated_by=ctx.actor, **values)
            batch.create(assessment)
            state.by_referral[referral.pk].append(assessment)
        else:
            for name, value in values.items():
                setattr(assessment, name, value)
            batch.update(assessment, values)
        batch.referrals.add(referral.pk)
        return assessment

    def write(self, batch: Batch) -> None:
        batch.flush([Assessment])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        rows = Assessment.objects.select_related("referral").order_by("started_on", "pk")
        pid = person_ids(rows.values_list("referral__person_id", flat=True))
        for a in rows.iterator(chunk_size=2000):
            done = a.authorised_on is not None
            flag = _OUTCOME_FLAG.get(a.outcome)
            yield {
                "cina_assessment_id": ctx.ssd_id(self.name, a.pk, "AS"),
                "cina_person_id": pid[a.referral.person_id],
                "cina_referral_id": ctx.ssd_id("ssd_cin_episodes", a.referral_id, "R"),
                "cina_assessment_start_date": iso(a.started_on),
                "cina_assessment_child_seen": yes_no(a.child_seen_on is not None),
                "cina_assessment_auth_date": iso(a.authorised_on),
                "cina_assessment_outcome_json": json.dumps({flag: "Y"}) if flag else "",
                "cina_assessment_outcome_nfa": flag_text(a.outcome == AssessmentOutcome.NO_FURTHER_ACTION)
                if done
                else "",
                "cina_assessment_team": "",
                "cina_assessment_worker_id": "",
            }


register(CinAssessmentsTable())


class AssessmentFactorsTable(Adapter):
    """The factors of an assessment (a JSON array, or codes separated by commas), checked by the
    assessment service's own `check_factors`: on the list, each once, 21 alone, no 18A/19A."""

    name = "ssd_assessment_factors"
    id_field = "cinf_table_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cinf_table_id",
        "cinf_assessment_id",
        "cinf_assessment_factors_json",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_cin_assessments",)
    references: ClassVar[dict[str, str]] = {"cinf_assessment_id": "ssd_cin_assessments"}
    model_label = "child_protection.assessment"

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> tuple[dict[UUID, Assessment], set[str]]:
        ids = present(
            ctx.known("ssd_cin_assessments", (r.get("cinf_assessment_id") or "").strip()) for r in rows
        )
        # The factor list is read once per batch, not once per row.
        return Assessment.objects.in_bulk(ids), factor_codes()

    def load_row(
        self,
        row: Row,
        source_id: str,
        ctx: LoadContext,
        state: tuple[dict[UUID, Assessment], set[str]],
        batch: Batch,
    ) -> Assessment:
        name = "cinf_assessment_factors_json"
        assessments, known = state
        assessment_id = known_of(row, "cinf_assessment_id", "ssd_cin_assessments", ctx, required=True)
        assessment = assessments[assessment_id]  # type: ignore[index]
        text = (row.get(name) or "").strip()
        if text.startswith("["):
            value = parse_json(row, name)
            if not all(isinstance(v, str | int) for v in value):
                raise RowRefused(name, f"{name} must be a list of factor codes")
            given = [str(v) for v in value]
        else:
            given = [part for part in text.split(",") if part.strip()]
        found: Errors = {}
        codes = check_factors(found, given, required=True, known=known)
        refuse_if({name: [m for ms in found.values() for m in ms]} if found else {})
        assessment.factors = codes
        batch.update(assessment, ["factors"])
        batch.referrals.add(assessment.referral_id)
        return assessment

    def write(self, batch: Batch) -> None:
        batch.flush([Assessment])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        for a in (
            Assessment.objects.exclude(factors=[]).order_by("started_on", "pk").iterator(chunk_size=2000)
        ):
            if not a.factors:
                continue
            yield {
                "cinf_table_id": ctx.ssd_id(self.name, a.pk, "F"),
                "cinf_assessment_id": ctx.ssd_id("ssd_cin_assessments", a.pk, "AS"),
                "cinf_assessment_factors_json": json.dumps(a.factors, separators=(",", ":")),
            }


register(AssessmentFactorsTable())


# --- CIN plans ------------------------------------------------------------------------------------
