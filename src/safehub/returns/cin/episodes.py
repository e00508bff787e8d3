"""One referral as a census CINdetails block, with only the activity the collection rules admit.

The validator checks each date against the period (1 April - 31 March) and the DfE guide says
what belongs in a year's return; the choices below follow those rules:
- an assessment, CIN plan or CP plan is included when it was running at some point in the
  period; an end that falls after the period is left out, so it shows as still open (8696,
  4013, 8930: end dates must fall within the census year);
- a section 47 enquiry is included when it started in the period, or started before it and
  ended in it (its ICPC held, or found not to need one); its ICPC date is within the year (8715);
- review conferences are the ones held in the period (8841: after the plan started);
- factors are given only for an assessment authorised in the period (8614).
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from safehub.child_protection.constants import ConferenceKind, Section47Outcome
from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
)

from . import codes
from .records import AssessmentRow, CinPlanRow, CpPlanRow, EpisodeRow, Section47Row
from .scope import CensusPeriod

# (field, value, message): a value left out of the return, for the builder to report.
Report = Callable[[str, str, str], None]
INITIAL_KINDS = (ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN)


def coded(value: str, allowed: frozenset[str], field: str, report: Report) -> str | None:
    """The code if the DfE list has it; otherwise None, and the problem reported."""
    value = (value or "").strip()
    if not value:
        return None
    if value in allowed:
        return value
    report(field, value, f"{value!r} is not a {field} code in the DfE CIN census list.")
    return None


def episode_row(
    referral: Referral,
    *,
    period: CensusPeriod,
    assessments: Iterable[Assessment],
    cin_plans: Iterable[ChildInNeedPlan],
    enquiries: Iterable[Section47Enquiry],
    conferences: Iterable[Conference],
    cp_plans: Iterable[ChildProtectionPlan],
    earlier_plan_starts: Callable[[date], int],
    report: Report,
) -> EpisodeRow:
    closed = period.happened(referral.closed_on)
    conferences = list(conferences)
    episode = EpisodeRow(
        referral_date=referral.referral_date,
        source=coded(referral.source, codes.REFERRAL_SOURCE, "ReferralSource", report),
        primary_need=coded(referral.primary_need, codes.PRIMARY_NEED, "PrimaryNeedCode", report),
        closed=closed,
        closure_reason=(
            coded(referral.closure_reason, codes.REASON_FOR_CLOSURE, "ReasonForClosure", report)
            if closed
            else None
        ),
        initial_cpc=None,
        nfa=referral.nfa,
    )
    for assessment in assessments:
        if period.overlaps(assessment.started_on, assessment.authorised_on):
            episode.assessments.append(_assessment(assessment, period, report))
    for cin_plan in cin_plans:
        if period.overlaps(cin_plan.started_on, cin_plan.ended_on):
            episode.cin_plans.append(CinPlanRow(cin_plan.started_on, period.happened(cin_plan.ended_on)))
    s47_conferences: set[Any] = set()
    for enquiry in enquiries:
        row, conference = _section47(enquiry, conferences, period)
        if row is not None:
            episode.section47s.append(row)
            if conference is not None:
                s47_conferences.add(conference.pk)
    # An ICPC that did not end an enquiry reported here (a transfer-in conference, or one after
    # an enquiry in an earlier year) is the episode's own: rule 2885 matches each plan starting
    # in the year to an ICPC in its episode, 2884 forbids giving one date at both levels.
    episode.initial_cpc = next(
        (
            c.held_on
            for c in sorted(conferences, key=lambda c: c.held_on or date.max)
            if c.kind in INITIAL_KINDS and c.pk not in s47_conferences and period.contains(c.held_on)
        ),
        None,
    )
    for plan in cp_plans:
        if period.overlaps(plan.started_on, plan.ended_on):
            episode.cp_plans.append(_cp_plan(plan, conferences, period, earlier_plan_starts, report))
    return episode


def _assessment(assessment: Assessment, period: CensusPeriod, report: Report) -> AssessmentRow:
    authorised = period.happened(assessment.authorised_on)
    factors: list[str] = []
    if authorised is not None:
        for value in assessment.factors or []:
            code = coded(str(value), codes.ASSESSMENT_FACTORS, "AssessmentFactors", report)
            if code is not None and code not in factors:  # 8898: each code once
                factors.append(code)
    return AssessmentRow(started=assessment.started_on, authorised=authorised, factors=tuple(factors))


def _section47(
    enquiry: Section47Enquiry, conferences: list[Conference], period: CensusPeriod
) -> tuple[Section47Row | None, Conference | None]:
    initial = next(
        (c for c in conferences if c.section47_id == enquiry.pk and c.kind in INITIAL_KINDS),
        None,
    )
    held = period.happened(initial.held_on) if initial else None
    cancelled = period.happened(initial.cancelled_on) if initial else None
    completed = period.happened(enquiry.completed_on)
    no_conference = completed is not None and enquiry.outcome != Section47Outcome.CONFERENCE
    not_required = no_conference or cancelled is not None
    # When the enquiry's census part ended: at its ICPC, or when no ICPC was needed after all.
    ended = held or (completed if no_conference else None) or cancelled
    if not period.overlaps(enquiry.started_on, ended):
        return None, None
    row = Section47Row(
        started=enquiry.started_on,
        icpc_target=enquiry.icpc_due_on,
        icpc_held=held,
        icpc_not_required=not_required and held is None,
    )
    return row, (initial if held else None)


def _cp_plan(
    plan: ChildProtectionPlan,
    conferences: list[Conference],
    period: CensusPeriod,
    earlier_plan_starts: Callable[[date], int],
    report: Report,
) -> CpPlanRow:
    reviews = sorted(
        {
            c.held_on
            for c in conferences
            if c.kind == ConferenceKind.REVIEW
            and c.plan_id == plan.pk
            and period.contains(c.held_on)
            and c.held_on is not None
            and c.held_on > plan.started_on
            and (plan.ended_on is None or c.held_on <= plan.ended_on)
        }
    )
    return CpPlanRow(
        started=plan.started_on,
        ended=period.happened(plan.ended_on),
        initial_category=coded(
            plan.initial_category, codes.CATEGORY_OF_ABUSE, "InitialCategoryOfAbuse", report
        ),
        latest_category=coded(plan.latest_category, codes.CATEGORY_OF_ABUSE, "LatestCategoryOfAbuse", report),
        previous_plans=earlier_plan_starts(plan.started_on),
        reviews=tuple(reviews),
    )
