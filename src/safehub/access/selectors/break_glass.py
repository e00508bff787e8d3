"""Reads about emergency access: eligibility, the review queue and the monthly report (R23)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from safehub.accounts.constants import Capability
from safehub.accounts.models import User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from .. import policies
from ..capabilities import require
from ..constants import AUDIT_SECTION_BREAK_GLASS, Level, ReviewOutcome
from ..models import BreakGlassAccess, RestrictedRecord

_BREAK_GLASS_TYPE = "access.breakglassaccess"


def break_glass_active(*, actor: Any, object_type: str, object_id: uuid.UUID) -> BreakGlassAccess | None:
    now = clock.now()
    return (
        BreakGlassAccess.objects.filter(
            user=actor,
            object_type=object_type,
            object_id=object_id,
            started_at__lte=now,
            expires_at__gt=now,
        )
        .order_by("-expires_at")
        .first()
    )


def break_glass_target(*, actor: Any, object_type: str, object_id: uuid.UUID) -> RestrictedRecord:
    """The restriction emergency access would lift, or NotFoundOrForbidden.

    Only a RESTRICTED record that the actor's role could otherwise open qualifies. Sealed,
    unrestricted, missing and out-of-role records get the same 404, so the page cannot be used to
    learn which ids are sealed (R22, R23).
    """
    require(actor, Capability.BREAK_GLASS)
    policy = policies.policy_for(object_type)
    restriction = RestrictedRecord.objects.filter(object_type=object_type, object_id=object_id).first()
    if restriction is None or restriction.level != Level.RESTRICTED:
        raise NotFoundOrForbidden()
    obj = policy.model._default_manager.filter(pk=object_id).first()
    if obj is None or not policy.base_can(actor, "view", obj):
        raise NotFoundOrForbidden()
    return restriction


def break_glass_active_for_user(*, actor: Any, user: Any) -> QuerySet[BreakGlassAccess]:
    """The emergency access `user` holds now (their own, or for information governance)."""
    if actor != user:
        require(actor, Capability.REVIEW_BREAK_GLASS)
    now = clock.now()
    return BreakGlassAccess.objects.filter(user=user, started_at__lte=now, expires_at__gt=now).order_by(
        "expires_at"
    )


def break_glass_review_queue(*, actor: Any) -> list[BreakGlassAccess]:
    """Every use still waiting for a review outcome, oldest first: this is the IG alert list."""
    require(actor, Capability.REVIEW_BREAK_GLASS)
    uses = list(
        BreakGlassAccess.objects.filter(review_outcome="")
        .select_related("user", "user__agency")
        .order_by("started_at", "id")
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=_BREAK_GLASS_TYPE,
        section="review_queue",
        result_ids=[u.pk for u in uses],
    )
    return uses


def break_glass_get(*, actor: Any, id: uuid.UUID) -> BreakGlassAccess:
    require(actor, Capability.REVIEW_BREAK_GLASS)
    use = BreakGlassAccess.objects.select_related("user", "reviewed_by").filter(pk=id).first()
    if use is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=use, section=AUDIT_SECTION_BREAK_GLASS)
    return use


@dataclass(frozen=True)
class ReportRow:
    user: Any
    outcome: str
    outcome_label: str
    count: int


@dataclass(frozen=True)
class MonthlyReport:
    """Emergency access in one calendar month, for the Caldicott Guardian (T19)."""

    start: datetime
    end: datetime
    rows: list[ReportRow]
    by_outcome: dict[str, int]
    total: int

    @property
    def unreviewed(self) -> int:
        return self.by_outcome.get(_UNREVIEWED_LABEL, 0)


_UNREVIEWED_LABEL = "Not yet reviewed"


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the council's local time, so a use at 00:30 BST on the 1st counts in that month."""
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


def break_glass_monthly_report(*, actor: Any, year: int, month: int) -> MonthlyReport:
    require(actor, Capability.REVIEW_BREAK_GLASS)
    start, end = month_bounds(year, month)
    in_month = BreakGlassAccess.objects.filter(started_at__gte=start, started_at__lt=end)
    counts = list(
        in_month.values("user_id", "review_outcome")
        .annotate(n=Count("id"))
        .order_by("user_id", "review_outcome")
    )
    users = {u.pk: u for u in _users([c["user_id"] for c in counts])}
    labels = dict(ReviewOutcome.choices)
    rows = [
        ReportRow(
            user=users[c["user_id"]],
            outcome=c["review_outcome"],
            outcome_label=labels.get(c["review_outcome"], _UNREVIEWED_LABEL),
            count=c["n"],
        )
        for c in counts
    ]
    rows.sort(key=lambda r: (str(r.user), r.outcome))
    by_outcome: dict[str, int] = {}
    for row in rows:
        by_outcome[row.outcome_label] = by_outcome.get(row.outcome_label, 0) + row.count
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=_BREAK_GLASS_TYPE,
        section="monthly_report",
        purpose=f"{start:%Y-%m}",
        result_ids=list(in_month.values_list("id", flat=True)),
    )
    return MonthlyReport(
        start=start, end=end, rows=rows, by_outcome=by_outcome, total=sum(by_outcome.values())
    )


def _users(ids: list[Any]) -> QuerySet[User]:
    return User.objects.select_related("agency").filter(pk__in=set(ids))
