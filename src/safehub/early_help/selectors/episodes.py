"""Reads of early help episodes (issue 9, items 1, 3 and 6). Each starts from the episode policy
(R19): a partner professional finds only the episodes they are a current TAF member of, and any
other answers the same 404 as one that does not exist (R18). Reads of a family are audited (R27).
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import MemberRole
from ..models import EarlyHelpEpisode, EpisodeMember, TafMember
from ..policies import episode_policy

EPISODE_LIST_PAGE = 50


def episode_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> EarlyHelpEpisode:
    """One episode the actor may `action`, with its family and team loaded, or NotFoundOrForbidden.

    Audited as one view of the episode when `section` (a fixed code naming the page) is given.
    """
    episode = (
        episode_policy.scope(actor, EarlyHelpEpisode.objects.all(), action)
        .select_related("team", "organisation", "lead_professional")
        .prefetch_related(
            Prefetch("members", queryset=EpisodeMember.objects.select_related("person", "involvement")),
            Prefetch("taf_members", queryset=TafMember.objects.select_related("agency", "user")),
        )
        .filter(pk=id)
        .first()
    )
    if episode is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=episode, section=section)
    return episode


def episodes_visible(actor: Any, action: str = "view") -> QuerySet[EarlyHelpEpisode]:
    """Every episode the actor may `action`: the start of every early help list and count."""
    return episode_policy.scope(actor, EarlyHelpEpisode.objects.all(), action)


def _allocated(worker_id: Any = None, team_id: Any = None) -> QuerySet[EpisodeMember]:
    members = EpisodeMember.objects.filter(episode_id=OuterRef("pk"), role=MemberRole.CHILD)
    if worker_id is not None:
        members = members.filter(involvement__worker_id=worker_id)
    if team_id is not None:
        members = members.filter(involvement__team_id=team_id)
    return members


@dataclass
class EpisodeListPage:
    episodes: list[EarlyHelpEpisode]
    total: int
    number: int
    pages: int


def episode_list(
    *,
    actor: Any,
    team_id: Any = None,
    worker_id: Any = None,
    open_only: bool = True,
    page: int = 1,
) -> EpisodeListPage:
    """Episodes the actor may see, newest first, 50 a page, with the family and the next clock due.

    `team_id` is the episode's team; `worker_id` the worker a child's involvement is allocated to.
    """
    qs = episodes_visible(actor)
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if worker_id is not None:
        qs = qs.filter(Exists(_allocated(worker_id=worker_id)))
    total = qs.count()
    pages = max(1, -(-total // EPISODE_LIST_PAGE))
    number = min(max(1, page), pages)
    next_due = (
        Task.objects.filter(involvement__early_help_member__episode_id=OuterRef("pk"), status=TaskStatus.OPEN)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    offset = (number - 1) * EPISODE_LIST_PAGE
    episodes: list[EarlyHelpEpisode] = list(
        qs.annotate(next_due_on=Subquery(next_due))
        .select_related("team", "organisation", "lead_professional")
        .prefetch_related(
            Prefetch(
                "members", queryset=EpisodeMember.objects.select_related("person", "involvement__worker")
            )
        )
        .order_by("-opened_on", "-created_at")[offset : offset + EPISODE_LIST_PAGE]
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=episode_policy.object_type,
        section="episode_list",
        result_ids=[e.pk for e in episodes],
    )
    return EpisodeListPage(episodes=episodes, total=total, number=number, pages=pages)


def episodes_for_person(*, actor: Any, person_id: Any) -> list[EarlyHelpEpisode]:
    """A person's early help episodes the actor may see, newest first (for the person page)."""
    return list(
        episodes_visible(actor)
        .filter(members__person_id=person_id)
        .select_related("team", "organisation")
        .order_by("-opened_on")
    )


@dataclass
class CaseloadRow:
    worker_id: Any
    worker_name: str
    families: int
    children: int


def caseload(*, actor: Any, team_id: Any = None) -> list[CaseloadRow]:
    """Open episodes per allocated worker: families (the dashboard's unit) and children (the
    caseload's unit, as for every other service; ADR 0007, consequences)."""
    members = (
        EpisodeMember.objects.filter(
            episode__in=episodes_visible(actor).filter(closed_on__isnull=True),
            role=MemberRole.CHILD,
            involvement__worker__isnull=False,
        )
        .select_related("involvement__worker")
        .order_by()
    )
    if team_id is not None:
        members = members.filter(involvement__team_id=team_id)
    rows: dict[Any, CaseloadRow] = {}
    families: dict[Any, set[Any]] = {}
    for member in members:
        involvement = member.involvement
        assert involvement is not None
        assert involvement.worker is not None
        worker = involvement.worker
        row = rows.setdefault(worker.pk, CaseloadRow(worker.pk, worker.full_name, 0, 0))
        row.children += 1
        families.setdefault(worker.pk, set()).add(member.episode_id)
    for key, row in rows.items():
        row.families = len(families[key])
    return sorted(rows.values(), key=lambda r: r.worker_name)


def reviews_due(*, actor: Any, within_days: int = 14, today: date | None = None) -> list[Task]:
    """Open plan-review tasks on episodes the actor may see, due within `within_days` or overdue."""
    from datetime import timedelta

    from safehub.platform import clock

    from ..constants import Clock

    day = today or clock.today()
    return list(
        Task.objects.filter(
            key=Clock.PLAN_REVIEW,
            status=TaskStatus.OPEN,
            involvement__early_help_member__episode__in=episodes_visible(actor).filter(
                closed_on__isnull=True
            ),
            due_on__lte=day + timedelta(days=within_days),
        )
        .select_related("involvement__early_help_member__episode", "assigned_to")
        .order_by("due_on")
    )
