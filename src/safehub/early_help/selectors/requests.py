"""Reads of partners' requests for support and of step-downs waiting for early help (issue 9,
items 1 and 5). The early help team (manage_early_help) sees every request; a requester sees
only their own; anyone else gets the same 404 as for a request that does not exist (R18, R19).
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_hidden
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import RequestStatus, StepDirection
from ..models import Step, SupportRequest


def _manages(actor: Any) -> bool:
    return bool(getattr(actor, "is_active", False) and actor.has_capability(Capability.MANAGE_EARLY_HELP))


def requests_visible(actor: Any) -> QuerySet[SupportRequest]:
    """The requests `actor` may read: all for the early help team, a requester's own otherwise."""
    qs = SupportRequest.objects.select_related("agency", "requested_by", "decided_by", "episode")
    if _manages(actor):
        return qs
    if getattr(actor, "is_active", False) and actor.has_capability(Capability.REQUEST_EARLY_HELP):
        return qs.filter(requested_by_id=actor.pk)
    return qs.none()


def support_request_get(*, actor: Any, id: uuid.UUID | str, section: str = "") -> SupportRequest:
    """One request, audited as a view when `section` names the page (it holds a child's details)."""
    request = requests_visible(actor).filter(pk=id).first()
    if request is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=request, section=section)
    return request


def support_requests_waiting(*, actor: Any) -> list[SupportRequest]:
    """Requests the early help team has not decided yet, oldest first (for manage_early_help)."""
    if not _manages(actor):
        return []
    return list(
        requests_visible(actor).filter(status=RequestStatus.SUBMITTED).order_by("submitted_on", "created_at")
    )


def support_requests_mine(*, actor: Any) -> list[SupportRequest]:
    """The requests `actor` made, newest first, with what became of them."""
    return list(
        requests_visible(actor).filter(requested_by_id=actor.pk).order_by("-submitted_on", "-created_at")
    )


def steps_down_waiting(*, actor: Any) -> list[Step]:
    """Step-downs from social care that early help has not taken on yet, oldest first."""
    if not _manages(actor):
        return []
    return list(
        Step.objects.filter(direction=StepDirection.DOWN, completed_on__isnull=True)
        .exclude(person_id__in=person_hidden(actor))
        .select_related("person", "requested_by")
        .order_by("requested_on", "created_at")
    )
