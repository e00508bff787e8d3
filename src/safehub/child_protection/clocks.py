"""The child in need and child protection clocks (issue 5, item 2; PRODUCT.md, "the clocks"; R52).

One pure function, `referral_tasks`, reads a referral's own rows and says which clock tasks
should be open now and when each is due. Every service that writes under a referral calls
`referral_clocks_sync` at the end of its transaction, which hands that list to casework's
`tasks_sync` (marking `done` what the service just recorded) and sets the involvement's level
for the caseload. `clocks_recompute_all` runs the same for every open referral when the
calendar or a local timescale changes.

Statutory timescales (Working Together to Safeguard Children 2023) are fixed here:
- child and family assessment: 45 working days from the referral;
- initial child protection conference (ICPC): 15 working days from the strategy discussion
  that started the section 47 enquiry;
- first core group: 10 working days after the ICPC;
- first review conference: 3 months after the ICPC (or transfer-in conference); then at most
  6 months after the last review.
Local ones (visits, later core groups, CIN plan reviews) are casework timescale settings.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects

from safehub.casework.constants import CaseLevel, LocalTimescale, TimescaleUnit
from safehub.casework.services.involvement import involvement_update
from safehub.casework.services.tasks import TaskSpec, TaskSync, tasks_sync, tasks_sync_many
from safehub.casework.timescales import add_months, add_period, describe, timescales
from safehub.people.services.birth import is_unborn
from safehub.platform.calendar import WorkingCalendar, calendar

from .constants import (
    AssessmentOutcome,
    Clock,
    ConferenceKind,
    Section47Outcome,
    Stage,
    VisitKind,
)
from .models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
)

Timescales = dict[str, tuple[int, str]]

# Statutory timescales (Working Together 2023).
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
FIRST_CORE_GROUP_WORKING_DAYS = 10
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6

# What `clocks_recompute_all` prefetches: everything `referral_tasks` reads, in a fixed number of queries.
PREFETCH = (
    "assessments",
    "section47_enquiries__strategy_discussion",
    "conferences",
    "cp_plans__core_groups",
    "cin_plans__reviews",
    "visits",
)


def assessment_due_on(referral_date: date, cal: WorkingCalendar | None = None) -> date:
    """45 working days from the referral (Working Together)."""
    return (cal or calendar()).add_working_days(referral_date, ASSESSMENT_WORKING_DAYS)


def icpc_due_on(strategy_held_on: date, cal: WorkingCalendar | None = None) -> date:
    """15 working days from the strategy discussion that started the s47 enquiry (Working Together)."""
    return (cal or calendar()).add_working_days(strategy_held_on, ICPC_WORKING_DAYS)


def first_review_due_on(plan_started_on: date) -> date:
    """The first review conference: 3 months after the ICPC or transfer-in conference."""
    return add_months(plan_started_on, FIRST_REVIEW_MONTHS)


def next_review_due_on(last_review_held_on: date) -> date:
    """A later review conference: at most 6 months after the last."""
    return add_months(last_review_held_on, LATER_REVIEW_MONTHS)


@dataclass
class _Rows:
    """A referral's rows, read once (from the prefetch cache when there is one)."""

    assessments: list[Assessment]
    enquiries: list[Section47Enquiry]
    conferences: list[Conference]
    cp_plans: list[ChildProtectionPlan]
    cin_plans: list[ChildInNeedPlan]
    visits: list[Any]

    @classmethod
    def of(cls, referral: Referral) -> "_Rows":
        return cls(
            assessments=list(referral.assessments.all()),
            enquiries=list(referral.section47_enquiries.all()),
            conferences=list(referral.conferences.all()),
            cp_plans=list(referral.cp_plans.all()),
            cin_plans=list(referral.cin_plans.all()),
            visits=list(referral.visits.all()),
        )

    @property
    def open_cp_plan(self) -> ChildProtectionPlan | None:
        return next((p for p in self.cp_plans if p.ended_on is None), None)

    @property
    def open_cin_plan(self) -> ChildInNeedPlan | None:
        return next((p for p in self.cin_plans if p.ended_on is None), None)

    @property
    def latest_assessment(self) -> Assessment | None:
        return max(self.assessments, key=lambda a: (a.started_on, a.created_at), default=None)

    def initial_held(self, enquiry: Section47Enquiry) -> bool:
        """Whether the enquiry's initial conference is behind it: held, or cancelled."""
        return any(
            c.kind == ConferenceKind.INITIAL
            and c.section47_id == enquiry.pk
            and (c.held_on is not None or c.cancelled_on is not None)
            for c in self.conferences
        )

    def enquiries_awaiting_icpc(self) -> list[Section47Enquiry]:
        """Section 47 enquiries still heading for an ICPC: no outcome yet, or outcome conference
        and the initial conference not yet held."""
        return [
            e
            for e in self.enquiries
            if not e.outcome or (e.outcome == Section47Outcome.CONFERENCE and not self.initial_held(e))
        ]


def _after(start: date, key: str, values: Timescales, cal: WorkingCalendar) -> date:
    """`start` plus the local timescale `key`, counting working days on the calendar read once."""
    amount, unit = values[key]
    if unit == TimescaleUnit.WORKING_DAYS:
        return cal.add_working_days(start, amount)
    return add_period(start, amount, unit)


def _local_basis(key: str, values: Timescales, since: str) -> str:
    return f"Local timescale: {describe(key, values)} {since}"[:200]


def referral_tasks(
    referral: Referral, values: Timescales | None = None, cal: WorkingCalendar | None = None
) -> list[TaskSpec]:
    """The clock tasks that should be open on `referral` now, each with its due date.

    Pure: it reads the referral's rows (the prefetch cache when there is one), `values` (the local
    timescales, `casework.timescales.timescales()`) and `cal` (the working calendar) and writes
    nothing. Nothing is open on a closed referral.
    """
    if referral.closed_on is not None:
        return []
    values = values if values is not None else timescales()
    cal = cal or calendar()
    rows = _Rows.of(referral)
    specs: list[TaskSpec] = []
    cp_plan = rows.open_cp_plan
    cin_plan = rows.open_cin_plan

    # Child and family assessment: 45 working days from the referral.
    open_assessments = [a for a in rows.assessments if a.authorised_on is None]
    if open_assessments:
        assessment = min(open_assessments, key=lambda a: a.due_on)
        specs.append(
            TaskSpec(
                key=Clock.ASSESSMENT,
                title="Complete the child and family assessment",
                due_on=assessment.due_on,
                basis="Working Together: within 45 working days of the referral",
            )
        )
    elif not referral.nfa and not rows.assessments and not rows.cp_plans and not rows.cin_plans:
        specs.append(
            TaskSpec(
                key=Clock.ASSESSMENT,
                title="Start and complete the child and family assessment",
                due_on=assessment_due_on(referral.referral_date, cal),
                basis="Working Together: within 45 working days of the referral",
            )
        )

    # Initial child protection conference: 15 working days from the strategy discussion. A child
    # already on a plan has review conferences instead (an enquiry during a plan needs no ICPC).
    awaiting = rows.enquiries_awaiting_icpc()
    if awaiting and cp_plan is None:
        specs.append(
            TaskSpec(
                key=Clock.ICPC,
                title="Hold the initial child protection conference",
                due_on=min(e.icpc_due_on for e in awaiting),
                basis="Working Together: within 15 working days of the strategy discussion",
            )
        )

    if cp_plan is not None:
        person = referral.person
        specs.extend(
            _cp_plan_tasks(cp_plan, rows, values, cal, born=person.date_of_birth, unborn=is_unborn(person))
        )
    if cin_plan is not None:
        specs.extend(_cin_plan_tasks(cin_plan, rows, values, cal))
    return specs


def _cp_plan_tasks(
    plan: ChildProtectionPlan,
    rows: _Rows,
    values: Timescales,
    cal: WorkingCalendar,
    *,
    born: date | None,
    unborn: bool,
) -> Iterable[TaskSpec]:
    core_groups = list(plan.core_groups.all())
    if not core_groups:
        yield TaskSpec(
            key=Clock.FIRST_CORE_GROUP,
            title="Hold the first core group",
            due_on=cal.add_working_days(plan.started_on, FIRST_CORE_GROUP_WORKING_DAYS),
            basis="Working Together: within 10 working days of the initial conference",
        )
    else:
        last = max(g.held_on for g in core_groups)
        yield TaskSpec(
            key=Clock.CORE_GROUP,
            title="Hold the next core group",
            due_on=_after(last, LocalTimescale.CORE_GROUP, values, cal),
            basis=_local_basis(LocalTimescale.CORE_GROUP, values, "after the last core group"),
        )

    reviews = [
        c.held_on
        for c in rows.conferences
        if c.kind == ConferenceKind.REVIEW and c.plan_id == plan.pk and c.held_on is not None
    ]
    if reviews:
        review_due = next_review_due_on(max(reviews))
        review_basis = "Working Together: within 6 months of the last review conference"
    else:
        review_due = first_review_due_on(plan.started_on)
        review_basis = "Working Together: within 3 months of the conference that started the plan"
    yield TaskSpec(
        key=Clock.REVIEW_CONFERENCE,
        title="Hold the review child protection conference",
        due_on=review_due,
        basis=review_basis,
    )

    # Before birth a visit to the expectant parent counts: the child cannot be seen yet. A born
    # child with no recorded date of birth is not unborn: only a visit that saw them counts.
    seen = [
        v.visited_on
        for v in rows.visits
        if v.cp_plan_id == plan.pk and (v.child_seen or unborn or (born is not None and v.visited_on < born))
    ]
    yield TaskSpec(
        key=Clock.CP_VISIT,
        title="Visit and see the child (child protection plan)",
        due_on=_after(max([plan.started_on, *seen]), LocalTimescale.CP_VISIT, values, cal),
        basis=_local_basis(LocalTimescale.CP_VISIT, values, "after the child was last seen"),
    )


def _cin_plan_tasks(
    plan: ChildInNeedPlan, rows: _Rows, values: Timescales, cal: WorkingCalendar
) -> Iterable[TaskSpec]:
    seen = [v.visited_on for v in rows.visits if v.cin_plan_id == plan.pk and v.child_seen]
    yield TaskSpec(
        key=Clock.CIN_VISIT,
        title="Visit and see the child (child in need plan)",
        due_on=_after(max([plan.started_on, *seen]), LocalTimescale.CIN_VISIT, values, cal),
        basis=_local_basis(LocalTimescale.CIN_VISIT, values, "after the child was last seen"),
    )
    reviews = [r.held_on for r in plan.reviews.all()]
    yield TaskSpec(
        key=Clock.CIN_PLAN_REVIEW,
        title="Review the child in need plan",
        due_on=_after(max([plan.started_on, *reviews]), LocalTimescale.CIN_PLAN_REVIEW, values, cal),
        basis=_local_basis(
            LocalTimescale.CIN_PLAN_REVIEW, values, "after the plan started or was last reviewed"
        ),
    )


def referral_level(referral: Referral) -> str:
    """What the case is for the caseload (a `casework.constants.CaseLevel` value)."""
    rows = _Rows.of(referral)
    if rows.open_cp_plan is not None:
        return CaseLevel.CHILD_PROTECTION
    latest = rows.latest_assessment
    if rows.open_cin_plan is not None or (
        latest is not None
        and latest.authorised_on is not None
        and latest.outcome == AssessmentOutcome.CIN_PLAN
    ):
        return CaseLevel.CHILD_IN_NEED
    if any(a.authorised_on is None for a in rows.assessments):
        return CaseLevel.ASSESSMENT
    return CaseLevel.REFERRAL


def referral_stage(referral: Referral) -> str:
    """Where the referral is, for lists and the case header (a `constants.Stage` value)."""
    if referral.closed_on is not None:
        return Stage.CLOSED
    rows = _Rows.of(referral)
    if rows.open_cp_plan is not None:
        return Stage.CP_PLAN
    awaiting = rows.enquiries_awaiting_icpc()
    if any(e.outcome == Section47Outcome.CONFERENCE for e in awaiting):
        return Stage.CONFERENCE
    if awaiting:
        return Stage.SECTION_47
    if rows.open_cin_plan is not None:
        return Stage.CIN_PLAN
    if any(a.authorised_on is None for a in rows.assessments):
        return Stage.ASSESSMENT
    if rows.assessments or rows.enquiries or rows.cp_plans or rows.cin_plans or rows.visits:
        return Stage.CHILD_IN_NEED
    return Stage.REFERRAL


def _fresh_copy(referral: Referral) -> Referral:
    """The referral as the caller holds it, with its rows read afresh in one prefetch.

    A service has just written rows, so a prefetch cache on the caller's instance may be stale;
    the copy gets its own, and the caller's instance is left as it was.
    """
    # The involvement is read afresh (in place, so the caller's copy is current too): one loaded
    # before an allocation would give new tasks no assignee and put its version back.
    referral.involvement.refresh_from_db()
    fresh = copy.copy(referral)
    fresh._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    prefetch_related_objects([fresh], *PREFETCH)
    return fresh


def _sync(
    referral: Referral,
    *,
    values: Timescales,
    cal: WorkingCalendar,
    done: dict[str, date] | None,
    done_by: Any,
    cancel_reason: str,
) -> None:
    involvement = referral.involvement
    tasks_sync(
        involvement=involvement,
        specs=referral_tasks(referral, values, cal),
        done=done,
        done_by=done_by,
        cancel_reason=cancel_reason,
    )
    if referral.closed_on is None:
        involvement_update(involvement=involvement, level=referral_level(referral))


def referral_clocks_sync(
    *,
    referral: Referral,
    done: dict[str, date] | None = None,
    done_by: Any = None,
    cancel_reason: str = "No longer needed.",
) -> None:
    """Bring the referral's clock tasks and caseload level in step with its record.

    Call it at the end of the writing service's transaction. `done` names the clocks whose task
    the service just satisfied, with the date it was done (a core group held on 3 March →
    `{"cp.core_group": date(2026, 3, 3)}`); the task is marked done on that date and, if the
    clock runs on, the next one opens. No policy check: the caller has made it.
    """
    with transaction.atomic():
        _sync(
            _fresh_copy(referral),
            values=timescales(),
            cal=calendar(),
            done=done,
            done_by=done_by,
            cancel_reason=cancel_reason,
        )


def referral_clocks_sync_many(referral_ids: Iterable[Any]) -> int:
    """`referral_clocks_sync` for many referrals at once, as a bulk load (the SSD import) needs:
    the open ones are read with their rows in one prefetch per slice and their tasks written in
    bulk (`tasks_sync_many`); a closed one just has any clock task still open cancelled, which
    also covers a referral an import re-run has closed. Returns how many referrals were synced.

    Call it inside a transaction. No policy check: the caller has made it.
    """
    values = timescales()
    cal = calendar()
    ids = list(dict.fromkeys(referral_ids))
    count = 0
    for start in range(0, len(ids), _MANY_SLICE):
        chunk = ids[start : start + _MANY_SLICE]
        items: list[TaskSync] = []
        open_referrals = list(
            Referral.objects.filter(pk__in=chunk, closed_on__isnull=True)
            .select_related("involvement", "person")
            .prefetch_related(*PREFETCH)
        )
        for referral in open_referrals:
            items.append(TaskSync(referral.involvement, referral_tasks(referral, values, cal)))
        for referral in Referral.objects.filter(pk__in=chunk, closed_on__isnull=False).select_related(
            "involvement"
        ):
            items.append(TaskSync(referral.involvement, [], cancel_reason="No longer needed."))
        tasks_sync_many(items)
        for referral in open_referrals:
            involvement_update(involvement=referral.involvement, level=referral_level(referral))
        count += len(items)
    return count


# Referrals `referral_clocks_sync_many` reads at a time (each IN list well under SQLite's limit).
_MANY_SLICE = 500


def _refresh_stored_due_dates(referral: Referral, cal: WorkingCalendar) -> None:
    """Due dates stored on the record (ADR 0004) follow a calendar change while still running:
    an unauthorised assessment's `due_on`, an enquiry's `icpc_due_on` until the ICPC is held,
    and the unheld initial conference row's `due_on`. Finished ones keep what they were.
    """
    rows = _Rows.of(referral)
    for assessment in rows.assessments:
        if assessment.authorised_on is None:
            due = assessment_due_on(referral.referral_date, cal)
            if assessment.due_on != due:
                assessment.due_on = due
                assessment.save(update_fields=["due_on", "updated_at"])
    for enquiry in rows.enquiries_awaiting_icpc():
        due = icpc_due_on(enquiry.strategy_discussion.held_on, cal)
        if enquiry.icpc_due_on != due:
            enquiry.icpc_due_on = due
            enquiry.save(update_fields=["icpc_due_on", "updated_at"])
        for conference in rows.conferences:
            if (
                conference.kind == ConferenceKind.INITIAL
                and conference.section47_id == enquiry.pk
                and conference.held_on is None
                and conference.cancelled_on is None
                and conference.due_on != due
            ):
                conference.due_on = due
                conference.save(update_fields=["due_on", "updated_at"])


def clocks_recompute_all() -> int:
    """Recompute every open referral's clock tasks (after a calendar or timescale change).

    The timescales and the calendar are read once; each referral's rows come from a prefetch in
    chunks, so the query count does not grow with the number of referrals' rows. Returns how
    many referrals were recomputed.
    """
    values = timescales()
    cal = calendar()
    count = 0
    referrals = (
        Referral.objects.filter(closed_on__isnull=True)
        .select_related("involvement", "person")
        .prefetch_related(*PREFETCH)
        .order_by("pk")
    )
    for referral in referrals.iterator(chunk_size=500):
        with transaction.atomic():
            _refresh_stored_due_dates(referral, cal)
            _sync(
                referral,
                values=values,
                cal=cal,
                done=None,
                done_by=None,
                cancel_reason="No longer needed.",
            )
        count += 1
    return count


def visit_clock(kind: str) -> str | None:
    """The clock a visit of `kind` with the child seen satisfies."""
    clocks: dict[str, str] = {VisitKind.CP: Clock.CP_VISIT, VisitKind.CIN: Clock.CIN_VISIT}
    return clocks.get(kind)


__all__: list[str] = [
    "PREFETCH",
    "assessment_due_on",
    "clocks_recompute_all",
    "first_review_due_on",
    "icpc_due_on",
    "next_review_due_on",
    "referral_clocks_sync",
    "referral_clocks_sync_many",
    "referral_level",
    "referral_stage",
    "referral_tasks",
    "visit_clock",
]
