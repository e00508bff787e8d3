"""Reads of periods of care, their legal statuses, placements and derived 903 episodes (issue 6,
item 1). Each starts from the care policy (R19): a forbidden period is the same 404 as a missing
one. The period page's read and every form page's read is audited as one view of the period with a
`section` (R27); the list audits the ids it shows.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..episodes import Episode, derive_episodes
from ..models import LegalStatus, LookedAfterPeriod, Placement
from ..policies import care_policy

PERIOD_LIST_PAGE = 50
PERIOD_ACTIONS = ("record", "manage", "review")


def period_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> LookedAfterPeriod:
    """One period the actor may `action`, with its child, involvement and IRO, or
    NotFoundOrForbidden; audited as one view of the period when `section` is given (R27, R28)."""
    period = (
        care_policy.scope(actor, LookedAfterPeriod.objects.all(), action)
        .select_related("person", "involvement", "iro")
        .filter(pk=id)
        .first()
    )
    if period is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=period, section=section)
    return period


def placement_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> Placement:
    """A placement, checked through its period (a forbidden period is a 404, R19)."""
    period_id = Placement.objects.filter(pk=id).values_list("period_id", flat=True).first()
    if period_id is None:
        raise NotFoundOrForbidden()
    period = period_get(actor=actor, id=period_id, action=action, section=section)
    placement = Placement.objects.select_related("household").get(pk=id)
    placement.period = period
    return placement


def period_episodes(period: LookedAfterPeriod) -> list[Episode]:
    """The period's 903 episodes, derived from its record (two queries, or none when prefetched)."""
    return derive_episodes(period, list(period.legal_statuses.all()), list(period.placements.all()))


def period_for_person(*, actor: Any, person_id: uuid.UUID | str) -> LookedAfterPeriod | None:
    """The child's open period, else their latest, if the actor may see it (for the person page)."""
    periods = care_policy.scope(actor, LookedAfterPeriod.objects.filter(person_id=person_id), "view")
    return periods.filter(ended_on__isnull=True).first() or periods.order_by("-started_on").first()


# --- the period page ------------------------------------------------------------------------------


@dataclass
class PeriodView:
    period: LookedAfterPeriod
    legal_statuses: list[LegalStatus]
    placements: list[Placement]
    episodes: list[Episode]
    open_tasks: list[Task]
    can: dict[str, bool] = field(default_factory=dict)

    @property
    def current_placement(self) -> Placement | None:
        return next((p for p in self.placements if p.ended_on is None), None)

    @property
    def current_legal_status(self) -> LegalStatus | None:
        return self.legal_statuses[-1] if self.legal_statuses else None


def period_page(*, actor: Any, period: LookedAfterPeriod) -> PeriodView:
    """Everything the period page shows, for a period already loaded (and audited) by `period_get`."""
    legal_statuses = list(
        period.legal_statuses.select_related("recorded_by").order_by("started_on", "created_at")
    )
    placements = list(period.placements.select_related("household").order_by("started_on", "created_at"))
    return PeriodView(
        period=period,
        legal_statuses=legal_statuses,
        placements=placements,
        episodes=derive_episodes(period, legal_statuses, placements),
        open_tasks=list(
            Task.objects.filter(involvement_id=period.involvement_id, status=TaskStatus.OPEN)
            .select_related("assigned_to")
            .order_by("due_on", "title")
        ),
        can={action: care_policy.can(actor, action, period) for action in PERIOD_ACTIONS},
    )


# --- the list ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodListPage:
    periods: list[Any]  # LookedAfterPeriod rows annotated as in `period_list`
    total: int
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def days_in_placement(period: Any, today: date | None = None) -> int | None:
    """Days the child has been in the current placement (from the list's annotation)."""
    started = getattr(period, "placement_started_on", None)
    if started is None:
        return None
    end = period.ended_on or today or clock.today()
    return (end - started).days


def period_list(*, actor: Any, filters: Mapping[str, Any] | None = None) -> PeriodListPage:
    """Periods the actor may see, 50 a page, newest first; open ones only unless
    `filters["open_only"]` is false. Filters: `team_id`, `worker_id`, `legal_status`,
    `placement_type`, `page`. Each row carries its current legal status, placement type and start,
    and next task due, as annotations: the query count does not grow with the rows.
    """
    filters = filters or {}
    latest_status = LegalStatus.objects.filter(period=OuterRef("pk")).order_by("-started_on", "-created_at")
    # The placement in force: the open one, or for an ended period the last one.
    latest_placement = Placement.objects.filter(period=OuterRef("pk")).order_by("-started_on", "-created_at")
    next_due = (
        Task.objects.filter(involvement_id=OuterRef("involvement_id"), status=TaskStatus.OPEN)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    qs = care_policy.scope(actor, LookedAfterPeriod.objects.all(), "view").annotate(
        legal_status=Subquery(latest_status.values("code")[:1]),
        placement_type=Subquery(latest_placement.values("placement_type")[:1]),
        placement_started_on=Subquery(latest_placement.values("started_on")[:1]),
        next_due_on=Subquery(next_due),
    )
    if filters.get("open_only", True):
        qs = qs.filter(ended_on__isnull=True)
    if filters.get("team_id"):
        qs = qs.filter(involvement__team_id=filters["team_id"])
    if filters.get("worker_id"):
        qs = qs.filter(involvement__worker_id=filters["worker_id"])
    if filters.get("legal_status"):
        qs = qs.filter(legal_status=filters["legal_status"])
    if filters.get("placement_type"):
        qs = qs.filter(placement_type=filters["placement_type"])
    total = qs.count()
    pages = max(1, -(-total // PERIOD_LIST_PAGE))
    number = min(max(1, int(filters.get("page") or 1)), pages)
    offset = (number - 1) * PERIOD_LIST_PAGE
    periods = list(
        qs.select_related("person", "involvement__worker", "involvement__team").order_by(
            "-started_on", "-created_at"
        )[offset : offset + PERIOD_LIST_PAGE]
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=care_policy.object_type,
        section="period_list",
        result_ids=[p.pk for p in periods],
    )
    return PeriodListPage(periods=periods, total=total, number=number, pages=pages)


def prefetch_history(periods: list[LookedAfterPeriod]) -> None:
    """Load legal statuses and placements for many periods at once (for the chronology)."""
    prefetch_related_objects(
        periods,
        Prefetch("legal_statuses", queryset=LegalStatus.objects.order_by("started_on", "created_at")),
        Prefetch(
            "placements",
            queryset=Placement.objects.select_related("household").order_by("started_on", "created_at"),
        ),
    )


def person_for_care_start(*, actor: Any, person_id: uuid.UUID | str) -> Any:
    """The child for the "start care" page: visible to the actor and one they may start care for
    (the care policy's `manage`), else NotFoundOrForbidden. Audited as a view of the person (R27)."""
    from safehub.people.selectors import person_get

    person = person_get(actor=actor, id=person_id, purpose="care_start")
    care_policy.check(actor, "manage", LookedAfterPeriod(person=person))
    return person
