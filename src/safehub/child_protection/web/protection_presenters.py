"""How conferences, plans and visits read on the case page, with the actions open to the actor.

Built from a `CaseView` (selectors.referral_case) without further queries, except one read of the
category-of-abuse labels, so the case page's query count does not grow with the case. An action
is offered only where the actor may take it (`case.can`) and the case is at a stage where it makes
sense (nothing new on a closed case; a CIN plan never alongside a CP plan, census rule 4016).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from safehub.reference_data.selectors import code_choices

from ..constants import CATEGORY_LIST

NOT_RECORDED = "Not recorded"


def day(value: date | None, empty: str = "") -> str:
    return f"{value.day} {value:%B %Y}" if value else empty


def yes_no(value: bool | None) -> str:
    if value is None:
        return NOT_RECORDED
    return "Yes" if value else "No"


class CategoryLabels:
    """Category-of-abuse labels, read once for the page; an unknown code shows as itself."""

    def __init__(self) -> None:
        self._labels = dict(code_choices(CATEGORY_LIST))

    def __call__(self, code: str) -> str:
        if not code:
            return ""
        label = self._labels.get(code)
        return f"{label} ({code})" if label else code


@dataclass(frozen=True)
class ConferenceRow:
    id: Any
    kind: str
    due: str
    scheduled: str
    is_scheduled: bool
    held: str
    decision: str
    category: str
    chair: str
    quorate: str
    can_schedule: bool
    can_record: bool
    can_cancel: bool = False
    cancelled: str = ""


@dataclass(frozen=True)
class PlanRow:
    id: Any
    started: str
    initial_category: str
    latest_category: str
    unborn_at_start: bool
    core_groups: list[str]
    ended: str
    end_reason: str
    is_open: bool
    can_record_core_group: bool
    can_end: bool


@dataclass(frozen=True)
class ProtectionView:
    conferences: list[ConferenceRow]
    plans: list[PlanRow]
    can_transfer_in: bool
    referral_id: Any


@dataclass(frozen=True)
class ReviewRow:
    held: str
    notes: str


@dataclass(frozen=True)
class CinPlanRow:
    id: Any
    started: str
    ended: str
    summary: str
    reviews: list[ReviewRow]
    is_open: bool
    can_review: bool
    can_end: bool


@dataclass(frozen=True)
class CinView:
    plans: list[CinPlanRow]
    can_start: bool
    referral_id: Any
    start_blocked_by_cp_plan: bool = False


@dataclass(frozen=True)
class VisitRow:
    visited: str
    kind: str
    child_seen: str
    seen_alone: str
    bedroom_seen: str
    notes: str


@dataclass(frozen=True)
class VisitsView:
    visits: list[VisitRow] = field(default_factory=list)
    can_record: bool = False
    referral_id: Any = None


def _open(case: Any) -> bool:
    return bool(case.referral.closed_on is None)


def protection_view(case: Any) -> ProtectionView:
    labels = CategoryLabels()
    is_open = _open(case)
    chair = bool(case.can.get("chair")) and is_open
    record = bool(case.can.get("record")) and is_open
    conferences = [
        ConferenceRow(
            id=c.pk,
            kind=str(c.get_kind_display()),
            due=day(c.due_on, NOT_RECORDED),
            scheduled=day(c.scheduled_on, "Not scheduled"),
            is_scheduled=c.scheduled_on is not None,
            held=day(c.held_on, "Not held yet"),
            decision=str(c.get_decision_display()) if c.decision else "",
            category=labels(c.category),
            chair=str(c.chair) if c.chair_id else NOT_RECORDED,
            quorate=yes_no(c.quorate) if c.held_on else "",
            can_schedule=chair and c.held_on is None and c.cancelled_on is None,
            can_record=chair and c.held_on is None and c.cancelled_on is None,
            can_cancel=chair and c.held_on is None and c.cancelled_on is None and c.kind == "initial",
            cancelled=f"Cancelled {day(c.cancelled_on)}: {c.cancel_reason}" if c.cancelled_on else "",
        )
        for c in case.conferences
    ]
    plans = [
        PlanRow(
            id=p.pk,
            started=day(p.started_on),
            initial_category=labels(p.initial_category),
            latest_category=labels(p.latest_category),
            unborn_at_start=p.unborn_at_start,
            core_groups=[day(g.held_on) for g in p.core_groups.all()],
            ended=day(p.ended_on),
            end_reason=str(p.get_end_reason_display()) if p.end_reason else "",
            is_open=p.ended_on is None,
            can_record_core_group=record and p.ended_on is None,
            can_end=chair and p.ended_on is None,
        )
        for p in case.cp_plans
    ]
    plan_open = any(p.is_open for p in plans)
    awaiting = any(c.held_on is None and c.cancelled_on is None for c in case.conferences)
    return ProtectionView(
        conferences=conferences,
        plans=plans,
        can_transfer_in=chair and not plan_open and not awaiting,
        referral_id=case.referral.pk,
    )


def cin_view(case: Any) -> CinView:
    is_open = _open(case)
    record = bool(case.can.get("record")) and is_open
    plans = [
        CinPlanRow(
            id=p.pk,
            started=day(p.started_on),
            ended=day(p.ended_on),
            summary=p.summary,
            reviews=[ReviewRow(held=day(r.held_on), notes=r.notes) for r in p.reviews.all()],
            is_open=p.ended_on is None,
            can_review=record and p.ended_on is None,
            can_end=record and p.ended_on is None,
        )
        for p in case.cin_plans
    ]
    cp_open = any(p.ended_on is None for p in case.cp_plans)
    cin_open = any(p.is_open for p in plans)
    return CinView(
        plans=plans,
        can_start=record and not case.referral.nfa and not cp_open and not cin_open,
        referral_id=case.referral.pk,
        start_blocked_by_cp_plan=record and cp_open and not cin_open,
    )


def visits_view(case: Any) -> VisitsView:
    rows = [
        VisitRow(
            visited=day(v.visited_on),
            kind=str(v.get_kind_display()),
            child_seen=yes_no(v.child_seen),
            seen_alone=yes_no(v.seen_alone) if v.child_seen else "",
            bedroom_seen=yes_no(v.bedroom_seen) if v.child_seen else "",
            notes=v.notes,
        )
        for v in sorted(case.visits, key=lambda v: (v.visited_on, v.created_at), reverse=True)
    ]
    return VisitsView(
        visits=rows,
        can_record=bool(case.can.get("record")) and _open(case),
        referral_id=case.referral.pk,
    )
