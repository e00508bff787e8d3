"""Reads of involvements: one case, and the cases waiting for a worker (issue 5, items 1 and 4)."""

import uuid
from typing import Any

from django.db.models import Q

from safehub.accounts.constants import Capability, TeamKind
from safehub.accounts.models import Team
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..models import Involvement
from ..policies import involvement_policy

INVOLVEMENT_TYPE = Involvement._meta.label_lower
# Teams that hold children's cases: the allocation form offers these.
CASE_TEAM_KINDS = (
    TeamKind.ASSESSMENT,
    TeamKind.CHILD_PROTECTION,
    TeamKind.CHILDREN_IN_CARE,
    TeamKind.EARLY_HELP,
)


def involvement_get(*, actor: Any, id: uuid.UUID | str, action: str = "view") -> Involvement:
    """One case, or NotFoundOrForbidden for both missing and not allowed; the read is audited."""
    involvement = (
        involvement_policy.scope(actor, Involvement.objects.all(), action)
        .select_related("person", "team", "worker")
        .filter(pk=id)
        .first()
    )
    if involvement is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=involvement, section="involvement")
    return involvement


def involvements_awaiting_allocation(
    *, actor: Any, team_id: uuid.UUID | str | None = None
) -> list[Involvement]:
    """Open cases with no worker, newest first: those held by the actor's teams, and those that
    no team holds yet; or, with `team_id`, that team's only. Needs MANAGE_CASES (the `manage` scope).
    """
    qs = involvement_policy.scope(actor, Involvement.objects.all(), "manage").filter(
        closed_on__isnull=True, worker__isnull=True
    )
    if team_id:
        qs = qs.filter(team_id=team_id)
    else:
        qs = qs.filter(Q(team__isnull=True) | Q(team__memberships__user=actor))
    involvements = list(qs.select_related("person", "team").order_by("-opened_on", "-created_at").distinct())
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=INVOLVEMENT_TYPE,
        section="awaiting_allocation",
        result_ids=[i.pk for i in involvements],
    )
    return involvements


def allocation_teams(*, actor: Any) -> list[Team]:
    """The teams a manager may allocate a case to: active teams that hold children's cases."""
    if not actor.has_capability(Capability.MANAGE_CASES):
        return []
    qs = Team.objects.filter(is_active=True, kind__in=CASE_TEAM_KINDS)
    if actor.agency_id:
        qs = qs.filter(agency_id=actor.agency_id)  # the council's own teams, never a partner's
    return list(qs.order_by("name"))
