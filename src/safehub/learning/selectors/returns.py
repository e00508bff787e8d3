"""Reads of agency returns (issue 10, item 2; ADR 0008 §4). Each starts from the return policy: the
partnership sees every return, a partner agency's lead only those addressed to their agency, and
any other answers the same 404 as a return that does not exist (R18, R19).
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import ReturnStatus
from ..models import AgencyReturn
from ..policies import agency_return_policy


def agency_returns_visible(actor: Any, action: str = "view") -> QuerySet[AgencyReturn]:
    return agency_return_policy.scope(actor, AgencyReturn.objects.all(), action)


def agency_return_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> AgencyReturn:
    """One return the actor may `action`, with its review and agency, or NotFoundOrForbidden.
    Audited as one view of the return when `section` names the page."""
    found = (
        agency_returns_visible(actor, action)
        .select_related("review", "agency", "requested_by", "answered_by")
        .filter(pk=id)
        .first()
    )
    if found is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=found, section=section)
    return found


def agency_return_list(
    *, actor: Any, own_agency: bool = False, outstanding_only: bool = False
) -> list[AgencyReturn]:
    """Returns the actor may see, the soonest due first, with their review and agency.

    `own_agency` keeps those addressed to the actor's own agency ("Returns for your agency");
    `outstanding_only` those not yet answered.
    """
    qs = agency_returns_visible(actor)
    if own_agency:
        agency_id = getattr(actor, "agency_id", None)
        qs = qs.filter(agency_id=agency_id) if agency_id else qs.none()
    if outstanding_only:
        qs = qs.filter(status=ReturnStatus.REQUESTED)
    return list(qs.select_related("review", "agency").order_by("status", "due_on", "agency__name"))
