"""Child protection plans (ending them, core groups), child in need plans (start, review, end) and
statutory visits (issue 5, item 1). Each records what a clock asks for, so the clock moves on.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.services.birth import is_unborn
from safehub.platform.locking import save_versioned

from ..clocks import referral_clocks_sync
from ..constants import Clock, ConferenceKind, PlanEndReason, VisitKind
from ..models import (
    ChildInNeedPlan,
    ChildProtectionPlan,
    CinPlanReview,
    CoreGroupMeeting,
    Referral,
    Visit,
)
from ..policies import referral_policy
from . import _rules
from ._rules import Errors, _d, add


def _check_cp_plan_open(errors: Errors, plan: ChildProtectionPlan, field: str = "__all__") -> None:
    if plan.ended_on is not None:
        add(errors, field, f"The child protection plan ended on {_d(plan.ended_on)}.")


def _check_cin_plan_open(errors: Errors, plan: ChildInNeedPlan, field: str = "__all__") -> None:
    if plan.ended_on is not None:
        add(errors, field, f"The child in need plan ended on {_d(plan.ended_on)}.")


def _latest(rows: Any, field: str) -> date | None:
    """The latest `field` date among `rows` (a queryset), or None."""
    day: date | None = rows.aggregate(latest=Max(field))["latest"]
    return day


def _check_after_plan_activity(
    errors: Errors, ended_on: date | None, activity: list[tuple[date | None, str]]
) -> None:
    """A plan does not end before what was recorded on it (a review, a core group, a visit)."""
    for day, what in activity:
        _rules.check_not_before(errors, "ended_on", ended_on, day, label="end date", what=what)


# --- Child protection plans ----------------------------------------------------------------------


def cp_plan_end(
    *, actor: Any, plan: ChildProtectionPlan, expected_version: int, ended_on: date | None, reason: str
) -> ChildProtectionPlan:
    """End a plan for a reason other than a review decision (the child became looked after, moved
    away, turned 18 …). A plan the conference ends is ended by `conference_record`. The review
    conference the plan was waiting for is no longer needed: its unheld row is removed.
    """
    referral = plan.referral
    referral_policy.check(actor, "chair", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)
    _check_cp_plan_open(errors, plan)
    if not reason:
        add(errors, "reason", "Choose why the plan is ending.")
    elif reason == PlanEndReason.REVIEW_CONFERENCE:
        add(errors, "reason", "A plan ends at a review conference: record the conference and its decision.")
    elif reason not in PlanEndReason.values:
        add(errors, "reason", "Choose a reason from the list.")
    _rules.check_activity_date(errors, referral, "ended_on", ended_on, label="date the plan ended")
    _rules.check_not_before(
        errors, "ended_on", ended_on, plan.started_on, label="end date", what="plan start"
    )
    _check_after_plan_activity(
        errors,
        ended_on,
        [
            (
                _latest(plan.conferences.filter(kind=ConferenceKind.REVIEW), "held_on"),
                "last review conference",
            ),
            (_latest(plan.core_groups.all(), "held_on"), "last core group"),
            (_latest(plan.visits.all(), "visited_on"), "last visit on the plan"),
        ],
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan.ended_on = ended_on
        plan.end_reason = reason
        save_versioned(plan, expected_version=expected_version, actor=actor)
        for review in plan.conferences.filter(kind=ConferenceKind.REVIEW, held_on__isnull=True):
            record_event(
                actor=actor, verb=Verb.DELETE, target=review, section="conference", reason="plan_ended"
            )
            review.delete()
        record_event(actor=actor, verb=Verb.UPDATE, target=plan, section="cp_plan", reason=reason)
        referral_clocks_sync(
            referral=referral, done_by=actor, cancel_reason="The child protection plan ended."
        )
    return plan


def core_group_record(
    *, actor: Any, plan: ChildProtectionPlan, held_on: date | None, notes: str = ""
) -> CoreGroupMeeting:
    """A core group met. The first is due 10 working days after the ICPC; later ones follow the
    local timescale."""
    referral = plan.referral
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)
    _check_cp_plan_open(errors, plan)
    _rules.check_activity_date(errors, referral, "held_on", held_on, label="date the core group met")
    _rules.check_not_before(
        errors, "held_on", held_on, plan.started_on, label="core group date", what="plan start"
    )
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    with transaction.atomic():
        first = not plan.core_groups.exists()
        meeting = CoreGroupMeeting(plan=plan, held_on=held_on, notes=notes.strip(), recorded_by=actor)
        meeting.full_clean()
        meeting.save()
        record_event(actor=actor, verb=Verb.CREATE, target=meeting, section="core_group")
        key = Clock.FIRST_CORE_GROUP if first else Clock.CORE_GROUP
        referral_clocks_sync(referral=referral, done={key: held_on}, done_by=actor)
    return meeting


# --- Child in need plans -------------------------------------------------------------------------


def cin_plan_start(
    *, actor: Any, referral: Referral, started_on: date | None, summary: str = ""
) -> ChildInNeedPlan:
    """Start a child in need plan. CIN census rule 4016: it never runs alongside a child protection
    plan, so it cannot start while one is open nor before the last one ended."""
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)  # also refuses a referral closed as no further action
    _rules.check_activity_date(errors, referral, "started_on", started_on, label="date the plan started")
    cp_plans = ChildProtectionPlan.objects.filter(person_id=referral.person_id)
    open_cp = cp_plans.filter(ended_on__isnull=True).first()
    if open_cp is not None:
        add(
            errors,
            "started_on",
            f"The child is on a child protection plan from {_d(open_cp.started_on)}; "
            "a CIN plan cannot run alongside it.",
        )
    else:
        last_cp = cp_plans.order_by("-ended_on").first()
        if last_cp is not None:
            _rules.check_not_before(
                errors,
                "started_on",
                started_on,
                last_cp.ended_on,
                label="start date",
                what="end of the child protection plan",
            )
    open_cin = referral.cin_plans.filter(ended_on__isnull=True).first()
    if open_cin is not None:
        add(errors, "started_on", f"A child in need plan is already running from {_d(open_cin.started_on)}.")
    else:
        last_cin = referral.cin_plans.order_by("-ended_on").first()
        if last_cin is not None:
            _rules.check_not_before(
                errors,
                "started_on",
                started_on,
                last_cin.ended_on,
                label="start date",
                what="end of the last child in need plan",
            )
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    with transaction.atomic():
        plan = ChildInNeedPlan(
            referral=referral, started_on=started_on, summary=summary.strip(), updated_by=actor
        )
        plan.full_clean()
        plan.save()
        record_event(actor=actor, verb=Verb.CREATE, target=plan, section="cin_plan")
        referral_clocks_sync(referral=referral, done_by=actor)
    return plan


def cin_plan_end(
    *, actor: Any, plan: ChildInNeedPlan, expected_version: int, ended_on: date | None
) -> ChildInNeedPlan:
    referral = plan.referral
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)
    _check_cin_plan_open(errors, plan)
    _rules.check_activity_date(errors, referral, "ended_on", ended_on, label="date the plan ended")
    _rules.check_not_before(
        errors, "ended_on", ended_on, plan.started_on, label="end date", what="plan start"
    )
    _check_after_plan_activity(
        errors,
        ended_on,
        [
            (_latest(plan.reviews.all(), "held_on"), "last plan review"),
            (_latest(plan.visits.all(), "visited_on"), "last visit on the plan"),
        ],
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan.ended_on = ended_on
        save_versioned(plan, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=plan, section="cin_plan", reason="ended")
        referral_clocks_sync(referral=referral, done_by=actor, cancel_reason="The child in need plan ended.")
    return plan


def cin_plan_review_record(
    *, actor: Any, plan: ChildInNeedPlan, held_on: date | None, notes: str = ""
) -> CinPlanReview:
    referral = plan.referral
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)
    _check_cin_plan_open(errors, plan)
    _rules.check_activity_date(errors, referral, "held_on", held_on, label="date of the review")
    _rules.check_not_before(
        errors, "held_on", held_on, plan.started_on, label="review date", what="plan start"
    )
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    with transaction.atomic():
        review = CinPlanReview(plan=plan, held_on=held_on, notes=notes.strip(), recorded_by=actor)
        review.full_clean()
        review.save()
        record_event(actor=actor, verb=Verb.CREATE, target=review, section="cin_plan_review")
        referral_clocks_sync(referral=referral, done={Clock.CIN_PLAN_REVIEW: held_on}, done_by=actor)
    return review


# --- Visits --------------------------------------------------------------------------------------


def visit_record(
    *,
    actor: Any,
    referral: Referral,
    kind: str,
    visited_on: date | None,
    child_seen: bool,
    seen_alone: bool | None = None,
    bedroom_seen: bool | None = None,
    notes: str = "",
) -> Visit:
    """A statutory visit. A child protection visit belongs to the open CP plan and a child in need
    visit to the open CIN plan; only a visit where the child was seen satisfies the visit clock.
    """
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    cp_plan: ChildProtectionPlan | None = None
    cin_plan: ChildInNeedPlan | None = None
    _rules.check_open(errors, referral)  # rules 8565 and 8831: not on a closed or NFA referral
    unborn = is_unborn(referral.person)
    if kind not in VisitKind.values:
        add(errors, "kind", "Choose the kind of visit.")
    _rules.check_activity_date(errors, referral, "visited_on", visited_on, label="date of the visit")
    if kind == VisitKind.CP:
        cp_plan = referral.cp_plans.filter(ended_on__isnull=True).first()
        if cp_plan is None:
            add(errors, "kind", "The child is not on a child protection plan: choose another kind of visit.")
        else:
            _rules.check_not_before(
                errors, "visited_on", visited_on, cp_plan.started_on, label="visit date", what="plan start"
            )
    elif kind == VisitKind.CIN:
        cin_plan = referral.cin_plans.filter(ended_on__isnull=True).first()
        if cin_plan is None:
            add(errors, "kind", "The child has no child in need plan running: choose another kind of visit.")
        else:
            _rules.check_not_before(
                errors, "visited_on", visited_on, cin_plan.started_on, label="visit date", what="plan start"
            )
    if child_seen and unborn:
        add(
            errors,
            "child_seen",
            "The child is not born yet (no date of birth is recorded), so cannot be seen.",
        )
    if not child_seen:
        if seen_alone:
            add(
                errors,
                "seen_alone",
                "The child cannot have been seen alone: the visit says they were not seen.",
            )
        if bedroom_seen:
            add(
                errors,
                "bedroom_seen",
                "Record the child's bedroom as seen only when the child was seen on the visit.",
            )
    if errors:
        raise ValidationError(errors)
    assert visited_on is not None
    with transaction.atomic():
        visit = Visit(
            referral=referral,
            kind=kind,
            cp_plan=cp_plan,
            cin_plan=cin_plan,
            visited_on=visited_on,
            child_seen=child_seen,
            seen_alone=seen_alone if child_seen else None,
            bedroom_seen=bedroom_seen if child_seen else None,
            notes=notes.strip(),
            recorded_by=actor,
        )
        visit.full_clean()
        visit.save()
        record_event(actor=actor, verb=Verb.CREATE, target=visit, section="visit", reason=kind)
        done: dict[str, date] = {}
        # Before birth the child cannot be seen: a visit to the expectant parent is the visit the
        # plan asks for, so it satisfies the clock (otherwise the task could never be cleared).
        if (child_seen or unborn) and (cp_plan is not None or cin_plan is not None):
            key = Clock.CP_VISIT if cp_plan is not None else Clock.CIN_VISIT
            later = Visit.objects.filter(cp_plan=cp_plan, cin_plan=cin_plan, visited_on__gt=visited_on)
            later_seen = (later if unborn else later.filter(child_seen=True)).exists()
            if not later_seen:  # a late entry older than the last visit seen satisfies nothing now
                done[key] = visited_on
        referral_clocks_sync(referral=referral, done=done, done_by=actor)
    return visit
