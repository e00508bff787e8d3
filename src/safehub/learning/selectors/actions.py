"""Reads of multi-agency action plans (issue 10, item 3; ADR 0008 §5, §6).

Every read starts from the action policy (R19): the partnership sees every action; a partner
agency's safeguarding lead sees only the actions their agency owns (or that name them), and any
other action answers the same 404 as one that does not exist (R18). Opening an action is audited
as a view (R27) and the CSV of a list as an export, with the ids it held.

No read here names a child: an action's source is shown by its review's anonymised label or its
audit programme's title (ADR 0008 §2).
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from safehub.accounts.constants import ROLE_CAPABILITIES, Capability
from safehub.accounts.models import Agency, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import DocumentStatus
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import ActionStatus
from ..models import (
    ActionUpdate,
    AuditFinding,
    CaseAudit,
    Evidence,
    LearningAction,
    Recommendation,
    Review,
)
from ..policies import action_policy, case_audit_policy, review_policy

ACTION_LIST_PAGE = 50
# What a list row shows of its source, loaded with the row (no query per row).
_SOURCE = (
    "agency",
    "owner",
    "recommendation__review",
    "audit_finding__case_audit__programme",
)


@dataclass(frozen=True)
class ActionFilters:
    """The list's filters: ids and codes only (never personal data in a URL, R4)."""

    agency_id: Any = None
    status: str = ""
    overdue_only: bool = False
    own_agency: bool = False


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int
    awaiting_sign_off: int


@dataclass
class ActionListPage:
    actions: list[LearningAction]
    total: int
    number: int
    pages: int
    counts: ActionCounts


def actions_visible(actor: Any, action: str = "view") -> QuerySet[LearningAction]:
    """Every action the actor may `action`: the start of every action list and count."""
    return action_policy.scope(actor, LearningAction.objects.all(), action)


def overdue_q(today: date) -> Q:
    """Overdue is worked out from the due date, never rated (ADR 0008 §5): an open action past it.
    A completed action is done, whatever its date; it waits on the partnership, not the owner."""
    return Q(status=ActionStatus.OPEN, due_on__lt=today)


def _filtered(actor: Any, filters: ActionFilters, today: date) -> QuerySet[LearningAction]:
    qs = actions_visible(actor)
    if filters.agency_id is not None:
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.own_agency:
        own = getattr(actor, "agency_id", None)
        qs = qs.filter(agency_id=own) if own is not None else qs.none()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue_only:
        qs = qs.filter(overdue_q(today))
    return qs


def action_counts(*, actor: Any, today: date | None = None) -> ActionCounts:
    """Open, overdue and awaiting sign-off, across every action the actor may see, in one query."""
    today = today or clock.today()
    totals = actions_visible(actor).aggregate(
        open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
        overdue=Count("pk", filter=overdue_q(today)),
        awaiting=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
    )
    return ActionCounts(open=totals["open"], overdue=totals["overdue"], awaiting_sign_off=totals["awaiting"])


def action_list(*, actor: Any, filters: ActionFilters, page: int = 1) -> ActionListPage:
    """Actions the actor may see, soonest due first, 50 a page, with the counts for the page's top.

    The same number of queries whatever the number of actions: each row's agency, officer and
    source come with it.
    """
    today = clock.today()
    qs = _filtered(actor, filters, today)
    total = qs.count()
    pages = max(1, -(-total // ACTION_LIST_PAGE))
    number = min(max(1, page), pages)
    offset = (number - 1) * ACTION_LIST_PAGE
    actions = list(
        qs.select_related(*_SOURCE).order_by("due_on", "created_at")[offset : offset + ACTION_LIST_PAGE]
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=action_policy.object_type,
        section="action_list",
        result_ids=[a.pk for a in actions],
    )
    counts = action_counts(actor=actor, today=today)
    return ActionListPage(actions=actions, total=total, number=number, pages=pages, counts=counts)


def actions_export(*, actor: Any, filters: ActionFilters) -> list[LearningAction]:
    """Every action the filters match (not one page), for the CSV. Audited as an export with the
    ids that left Safehub (R27); the caller neutralises the cells (R42)."""
    actions = list(
        _filtered(actor, filters, clock.today()).select_related(*_SOURCE).order_by("due_on", "created_at")
    )
    record_event(
        actor=actor,
        verb=Verb.EXPORT,
        object_type=action_policy.object_type,
        section="action_list_csv",
        result_ids=[a.pk for a in actions],
    )
    return actions


def action_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> LearningAction:
    """One action the actor may `action`, with its source, progress updates (newest first) and
    evidence loaded, or NotFoundOrForbidden. Audited as one view when `section` (a fixed code
    naming the page) is given (R27)."""
    found = (
        actions_visible(actor, action)
        .select_related(*_SOURCE, "signed_off_by", "created_by")
        .prefetch_related(
            Prefetch("updates", queryset=ActionUpdate.objects.select_related("written_by")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
        )
        .filter(pk=id)
        .first()
    )
    if found is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=found, section=section)
    return found


def evidence_get(*, actor: Any, id: uuid.UUID | str, clean_only: bool = False) -> Evidence:
    """One piece of evidence on an action the actor may see, or NotFoundOrForbidden. With
    `clean_only`, evidence not (yet) passed by the virus scan is as missing as evidence that does
    not exist (R43), so a download link cannot be guessed."""
    qs = Evidence.objects.filter(pk=id, action__in=actions_visible(actor)).select_related("action")
    if clean_only:
        qs = qs.filter(status=DocumentStatus.CLEAN)
    found = qs.first()
    if found is None:
        raise NotFoundOrForbidden()
    return found


# --- what the "add an action" page needs -------------------------------------------------------


def recommendation_for_action(*, actor: Any, id: uuid.UUID | str) -> Recommendation:
    """A recommendation of a review the actor manages, with its review, or NotFoundOrForbidden."""
    reviews = review_policy.scope(actor, Review.objects.all(), "manage")
    found = Recommendation.objects.select_related("review").filter(pk=id, review__in=reviews).first()
    if found is None:
        raise NotFoundOrForbidden()
    return found


def audit_finding_for_action(*, actor: Any, id: uuid.UUID | str) -> AuditFinding:
    """A case audit's finding the actor may see, or NotFoundOrForbidden. A finding is about one
    child's case, so reading it is audited as a view of the case audit (R27, ADR 0008 §8)."""
    cases = case_audit_policy.scope(actor, CaseAudit.objects.all(), "view")
    found = (
        AuditFinding.objects.select_related("case_audit__programme")
        .filter(pk=id, case_audit__in=cases)
        .first()
    )
    if found is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=found.case_audit, section="action_add")
    return found


def action_agencies() -> list[Agency]:
    """Agencies that can own an action (or be filtered on): the active ones, by name."""
    return list(Agency.objects.filter(is_active=True).order_by("name"))


def action_officers(*, actor: Any) -> list[User]:
    """Accounts an action can be given to: active users whose role may contribute to learning,
    with their agency. Only the partnership's managers, who add actions, get any."""
    if not actor.has_capability(Capability.MANAGE_LEARNING):
        return []
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.CONTRIBUTE_LEARNING in caps]
    return list(
        User.objects.filter(is_active=True, role__in=roles)
        .select_related("agency")
        .order_by("agency__name", "full_name", "email")
    )
