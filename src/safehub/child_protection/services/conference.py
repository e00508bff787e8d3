"""Child protection conferences: scheduling them and recording what they decided (issue 5, item 1).

A child protection plan starts only here (ADR 0004, decision 5): an initial conference after a
section 47 enquiry, or a transfer-in conference for a child already on a plan elsewhere, decides
"plan" with a category of abuse. A review conference continues the plan (perhaps with a new
category) or ends it. Each decision moves the clocks: the ICPC task is done, the first core group,
visits and the first review (3 months) start; a review done sets the next one (6 months).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.services.birth import is_unborn
from safehub.platform.locking import save_versioned
from safehub.reference_data.selectors import code_choices

from ..clocks import first_review_due_on, next_review_due_on, referral_clocks_sync
from ..constants import (
    CATEGORY_LIST,
    INITIAL_DECISIONS,
    REVIEW_DECISIONS,
    Clock,
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    Section47Outcome,
)
from ..models import ChildInNeedPlan, ChildProtectionPlan, Conference, Referral
from ..policies import referral_policy
from . import _rules
from ._rules import Errors, _d, add

PLAN_ENDED = "The child protection plan ended."


def _check_chair(errors: Errors, chair: Any) -> None:
    if chair is None:
        return
    if not (
        chair.has_capability(Capability.CHAIR_CONFERENCES) or chair.has_capability(Capability.MANAGE_CASES)
    ):
        add(
            errors,
            "chair",
            f"{chair.full_name} cannot chair a conference: choose an independent reviewing officer "
            "or a team manager.",
        )


def _check_category(errors: Errors, decision: str, category: str, *, required: bool) -> None:
    """A plan needs a CIN census category of abuse; "no plan" takes none."""
    if decision == ConferenceDecision.NO_PLAN and category:
        add(errors, "category", "A category of abuse is recorded only when the child needs a plan.")
        return
    if not category:
        if required:
            add(errors, "category", "Choose the category of abuse the child protection plan is under.")
        return
    if category not in dict(code_choices(CATEGORY_LIST)):
        add(errors, "category", "Choose a category of abuse from the list.")


def _check_plan_can_start(errors: Errors, referral: Referral, held_on: date | None) -> None:
    """One open CP plan per child, and a new one never starts inside an earlier one."""
    plans = ChildProtectionPlan.objects.filter(person_id=referral.person_id)
    current = plans.filter(ended_on__isnull=True).first()
    if current is not None:
        add(
            errors,
            "decision",
            f"The child is already on a child protection plan from {_d(current.started_on)}.",
        )
        return
    last = plans.exclude(ended_on__isnull=True).order_by("-ended_on").first()
    if last is not None and held_on is not None and last.ended_on is not None and held_on < last.ended_on:
        add(
            errors,
            "held_on",
            f"The child's last child protection plan ended on {_d(last.ended_on)}; "
            "a new plan cannot start before then.",
        )
    if held_on is None:
        return
    cin_plans = ChildInNeedPlan.objects.filter(referral__person_id=referral.person_id)
    cin_plan = cin_plans.filter(referral=referral, ended_on__isnull=True).first()
    if cin_plan is not None and held_on < cin_plan.started_on:
        add(
            errors,
            "held_on",
            f"The child in need plan started on {_d(cin_plan.started_on)}, after this date; "
            "a child protection plan cannot start before it and overlap it.",
        )
    elif cin_plan is not None:
        # The open CIN plan ends the day the CP plan starts (census 4016): nothing on it may be later.
        for day, what in (
            (cin_plan.reviews.aggregate(latest=Max("held_on"))["latest"], "review of the child in need plan"),
            (
                cin_plan.visits.aggregate(latest=Max("visited_on"))["latest"],
                "visit on the child in need plan",
            ),
        ):
            if day is not None and day > held_on:
                add(
                    errors,
                    "held_on",
                    f"The child in need plan ends when the child protection plan starts, but a {what} "
                    f"was recorded later, on {_d(day)}.",
                )
    # CIN census 4016: the new plan runs from held_on with no end, so any other CIN plan of the
    # child's (on any referral) still running on or after that day would overlap it.
    others = cin_plans.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=held_on))
    if cin_plan is not None:
        others = others.exclude(pk=cin_plan.pk)
    overlapping = others.order_by("started_on").first()
    if overlapping is not None:
        until = f"to {_d(overlapping.ended_on)}" if overlapping.ended_on is not None else "and is still open"
        add(
            errors,
            "held_on",
            f"The child was on a child in need plan from {_d(overlapping.started_on)} {until}; "
            f"a child protection plan cannot start on {_d(held_on)} and overlap it.",
        )


def _plan_start(*, actor: Any, referral: Referral, held_on: date, category: str) -> ChildProtectionPlan:
    """Start a CP plan from a conference decision (inside the caller's transaction).

    CIN census rule 4016: a child in need plan never runs alongside a child protection plan, so an
    open CIN plan on the referral ends on the day the plan starts. The first review conference
    is scheduled 3 months on (Working Together).
    """
    plan = ChildProtectionPlan(
        referral=referral,
        person=referral.person,
        started_on=held_on,
        initial_category=category,
        latest_category=category,
        unborn_at_start=is_unborn(referral.person),
        updated_by=actor,
    )
    plan.full_clean()
    plan.save()
    record_event(actor=actor, verb=Verb.CREATE, target=plan, section="cp_plan", reason="conference")
    cin_plan = ChildInNeedPlan.objects.filter(referral=referral, ended_on__isnull=True).first()
    if cin_plan is not None:
        cin_plan.ended_on = held_on
        save_versioned(cin_plan, expected_version=cin_plan.version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=cin_plan, section="cin_plan", reason="cp_plan_started"
        )
    _schedule_review(actor=actor, referral=referral, plan=plan, due_on=first_review_due_on(held_on))
    return plan


def _schedule_review(
    *, actor: Any, referral: Referral, plan: ChildProtectionPlan, due_on: date
) -> Conference:
    """The next review conference row for the plan: the unheld one moves, else a new one."""
    review = plan.conferences.filter(
        kind=ConferenceKind.REVIEW, held_on__isnull=True, cancelled_on__isnull=True
    ).first()
    if review is not None:
        if review.due_on != due_on:
            review.due_on = due_on
            save_versioned(review, expected_version=review.version, actor=actor)
        return review
    review = Conference(
        referral=referral,
        kind=ConferenceKind.REVIEW,
        plan=plan,
        due_on=due_on,
        recorded_by=actor,
        updated_by=actor,
    )
    review.full_clean()
    review.save()
    record_event(actor=actor, verb=Verb.CREATE, target=review, section="conference", reason="review_due")
    return review


def conference_schedule(
    *, actor: Any, conference: Conference, expected_version: int, scheduled_on: date | None, chair: Any = None
) -> Conference:
    """Set the date a conference is arranged for, and its chair.

    The date may be in the past (a late entry) but not before the referral.
    """
    referral = conference.referral
    referral_policy.check(actor, "chair", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)
    if conference.held_on is not None:
        add(
            errors,
            "scheduled_on",
            f"The conference was held on {_d(conference.held_on)}; it cannot be rearranged.",
        )
    if conference.cancelled_on is not None:
        add(errors, "scheduled_on", f"The conference was cancelled on {_d(conference.cancelled_on)}.")
    if scheduled_on is None:
        add(errors, "scheduled_on", "Enter the date the conference is arranged for.")
    else:
        _rules.check_not_before(
            errors,
            "scheduled_on",
            scheduled_on,
            referral.referral_date,
            label="conference date",
            what="referral",
        )
    _check_chair(errors, chair)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conference.scheduled_on = scheduled_on
        conference.chair = chair
        save_versioned(conference, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=conference, section="conference", reason="scheduled"
        )
        referral_clocks_sync(referral=referral, done_by=actor)
    return conference


def conference_cancel(
    *, actor: Any, conference: Conference, expected_version: int, cancelled_on: date | None, reason: str
) -> Conference:
    """An initial conference that will not be held: the family moved away, or new information
    showed the threshold is not met. The enquiry then needed no ICPC (CIN census ICPCnotRequired,
    rule 8868), the ICPC task stops, and the case can close. The row and the reason are kept.
    """
    referral = conference.referral
    referral_policy.check(actor, "chair", referral)
    errors: Errors = {}
    _rules.check_open(errors, referral)
    if conference.kind != ConferenceKind.INITIAL:
        add(errors, "reason", "Only an initial conference can be cancelled; a review follows the plan.")
    if conference.held_on is not None:
        add(errors, "reason", f"The conference was held on {_d(conference.held_on)}; it cannot be cancelled.")
    if conference.cancelled_on is not None:
        add(errors, "reason", f"The conference was already cancelled on {_d(conference.cancelled_on)}.")
    _rules.check_activity_date(
        errors, referral, "cancelled_on", cancelled_on, label="date of the cancellation"
    )
    if not reason.strip():
        add(errors, "reason", "Say why the conference will not be held.")
    elif len(reason.strip()) > 300:
        add(errors, "reason", "The reason must be 300 characters or fewer.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conference.cancelled_on = cancelled_on
        conference.cancel_reason = reason.strip()
        save_versioned(conference, expected_version=expected_version, actor=actor)
        # The reason stays on the conference; the audit trail gets a fixed code (R27).
        record_event(
            actor=actor, verb=Verb.UPDATE, target=conference, section="conference", reason="cancelled"
        )
        referral_clocks_sync(referral=referral, done_by=actor, cancel_reason="The conference was cancelled.")
    return conference


def conference_record(
    *,
    actor: Any,
    conference: Conference,
    expected_version: int,
    held_on: date | None,
    decision: str,
    category: str = "",
    chair: Any = None,
    quorate: bool | None = None,
    summary: str = "",
) -> Conference:
    """Record that a conference was held and what it decided.

    Initial (after a section 47 enquiry whose outcome was a conference) and transfer-in: "plan"
    (with a category of abuse) starts the child protection plan, ending any CIN plan (census rule
    4016); "no plan" starts nothing. Review (of an open plan): "continue" (the category may
    change) schedules the next review 6 months on; "end" ends the plan on the day.
    """
    referral = conference.referral
    referral_policy.check(actor, "chair", referral)
    category = (category or "").strip()
    errors: Errors = {}
    _rules.check_open(errors, referral)
    if conference.held_on is not None:
        add(errors, "held_on", f"This conference was already recorded as held on {_d(conference.held_on)}.")
    if conference.cancelled_on is not None:
        add(errors, "held_on", f"This conference was cancelled on {_d(conference.cancelled_on)}.")
    _rules.check_activity_date(errors, referral, "held_on", held_on, label="date the conference was held")
    _check_chair(errors, chair)
    plan = conference.plan
    if conference.kind == ConferenceKind.REVIEW:
        _check_review(errors, conference, held_on, decision, category)
    else:
        if conference.kind == ConferenceKind.INITIAL:
            _check_initial(errors, conference, held_on)
        if decision not in INITIAL_DECISIONS:
            add(errors, "decision", "Choose whether the child needs a child protection plan.")
        else:
            _check_category(errors, decision, category, required=decision == ConferenceDecision.PLAN)
            if decision == ConferenceDecision.PLAN:
                _check_plan_can_start(errors, referral, held_on)
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    done: dict[str, date] = {}
    cancel_reason = "No longer needed."
    with transaction.atomic():
        conference.held_on = held_on
        conference.decision = decision
        conference.category = category
        conference.chair = chair
        conference.quorate = quorate
        conference.summary = summary.strip()
        if conference.kind == ConferenceKind.REVIEW:
            assert plan is not None
            done[Clock.REVIEW_CONFERENCE] = held_on
            save_versioned(conference, expected_version=expected_version, actor=actor)
            if decision == ConferenceDecision.END:
                plan.ended_on = held_on
                plan.end_reason = PlanEndReason.REVIEW_CONFERENCE
                cancel_reason = PLAN_ENDED
                reason = "ended"
            else:
                if category:
                    plan.latest_category = category
                reason = "continued"
                _schedule_review(
                    actor=actor, referral=referral, plan=plan, due_on=next_review_due_on(held_on)
                )
            save_versioned(plan, expected_version=plan.version, actor=actor)
            record_event(actor=actor, verb=Verb.UPDATE, target=plan, section="cp_plan", reason=reason)
        else:
            if conference.kind == ConferenceKind.INITIAL:
                done[Clock.ICPC] = held_on
            if decision == ConferenceDecision.PLAN:
                conference.plan = _plan_start(
                    actor=actor, referral=referral, held_on=held_on, category=category
                )
            save_versioned(conference, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=conference, section="conference", reason=decision)
        referral_clocks_sync(referral=referral, done=done, done_by=actor, cancel_reason=cancel_reason)
    return conference


def _check_initial(errors: Errors, conference: Conference, held_on: date | None) -> None:
    enquiry = conference.section47
    if enquiry is None or enquiry.outcome != Section47Outcome.CONFERENCE:
        add(
            errors,
            "__all__",
            "An initial conference follows a section 47 enquiry whose outcome was a conference: "
            "record that outcome first.",
        )
        return
    _rules.check_not_before(
        errors,
        "held_on",
        held_on,
        enquiry.strategy_discussion.held_on,
        label="conference date",
        what="strategy discussion",
    )
    _rules.check_not_before(
        errors,
        "held_on",
        held_on,
        enquiry.started_on,
        label="conference date",
        what="section 47 enquiry start",
    )


def _check_review(
    errors: Errors, conference: Conference, held_on: date | None, decision: str, category: str
) -> None:
    plan = conference.plan
    if plan is None or plan.ended_on is not None:
        when = f" on {_d(plan.ended_on)}" if plan is not None and plan.ended_on else ""
        add(
            errors,
            "__all__",
            f"A review conference reviews an open child protection plan; the plan ended{when}.",
        )
        return
    _rules.check_not_before(
        errors, "held_on", held_on, plan.started_on, label="review date", what="plan start"
    )
    last = (
        plan.conferences.filter(kind=ConferenceKind.REVIEW, held_on__isnull=False)
        .exclude(pk=conference.pk)
        .order_by("-held_on")
        .first()
    )
    if last is not None:
        _rules.check_not_before(
            errors, "held_on", held_on, last.held_on, label="review date", what="last review"
        )
    if decision not in REVIEW_DECISIONS:
        add(errors, "decision", "Choose whether the plan continues or ends.")
    elif decision == ConferenceDecision.END and category:
        add(errors, "category", "A plan that ends takes no new category of abuse.")
    elif decision == ConferenceDecision.END and held_on is not None:
        # The plan ends on the day: nothing recorded on it may be later (finding 11).
        for day, what in (
            (plan.core_groups.aggregate(latest=Max("held_on"))["latest"], "core group"),
            (plan.visits.aggregate(latest=Max("visited_on"))["latest"], "visit on the plan"),
        ):
            if day is not None and day > held_on:
                add(
                    errors,
                    "held_on",
                    f"The plan would end on {_d(held_on)}, before the {what} on {_d(day)}.",
                )
    elif category:
        _check_category(errors, decision, category, required=False)


def transfer_in_conference_record(
    *,
    actor: Any,
    referral: Referral,
    held_on: date | None,
    decision: str,
    category: str = "",
    chair: Any = None,
    summary: str = "",
) -> Conference:
    """A transfer-in conference for a child who was on a plan in another authority: "plan" starts
    the plan here (first review within 3 months, as for an initial conference), "no plan" does not.
    """
    referral_policy.check(actor, "chair", referral)
    category = (category or "").strip()
    errors: Errors = {}
    _rules.check_open(errors, referral)
    _rules.check_activity_date(errors, referral, "held_on", held_on, label="date the conference was held")
    _check_chair(errors, chair)
    open_plan = ChildProtectionPlan.objects.filter(
        person_id=referral.person_id, ended_on__isnull=True
    ).first()
    if open_plan is not None:
        add(
            errors,
            "decision",
            f"The child is already on a child protection plan here from {_d(open_plan.started_on)}; "
            "a transfer-in conference is for a child arriving on another authority's plan.",
        )
    elif decision not in INITIAL_DECISIONS:
        add(errors, "decision", "Choose whether the child needs a child protection plan.")
    else:
        _check_category(errors, decision, category, required=decision == ConferenceDecision.PLAN)
        if decision == ConferenceDecision.PLAN:
            _check_plan_can_start(errors, referral, held_on)
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    with transaction.atomic():
        conference = Conference(
            referral=referral,
            kind=ConferenceKind.TRANSFER_IN,
            held_on=held_on,
            decision=decision,
            category=category,
            chair=chair,
            summary=summary.strip(),
            recorded_by=actor,
            updated_by=actor,
        )
        if decision == ConferenceDecision.PLAN:
            conference.plan = _plan_start(actor=actor, referral=referral, held_on=held_on, category=category)
        conference.full_clean()
        conference.save()
        record_event(actor=actor, verb=Verb.CREATE, target=conference, section="conference", reason=decision)
        referral_clocks_sync(referral=referral, done_by=actor)
    return conference
