"""Reads of serious incidents (issue 10, item 1). Each starts from the incident policy: an incident
names the child, so only the partnership's managers and the manager who recorded it find it; anyone
else gets the 404 of an incident that does not exist (R18, R19). Reads naming the child are
audited (R27).
"""

import uuid
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..models import Review, SeriousIncident
from ..policies import incident_policy


def incidents_visible(actor: Any, action: str = "view") -> QuerySet[SeriousIncident]:
    """Every incident the actor may `action`: the start of every incident list and count."""
    return incident_policy.scope(actor, SeriousIncident.objects.all(), action)


def incident_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> SeriousIncident:
    """One incident the actor may `action`, with its child, agencies and reviews, or
    NotFoundOrForbidden. Audited as one view of the incident when `section` names the page."""
    incident = (
        incidents_visible(actor, action)
        .select_related("child", "recorded_by")
        .prefetch_related("agencies", Prefetch("reviews", queryset=Review.objects.order_by("started_on")))
        .filter(pk=id)
        .first()
    )
    if incident is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=incident, section=section)
    return incident


def incident_list(
    *, actor: Any, awaiting_only: bool = False, recorded_by_actor: bool = False, section: str = ""
) -> list[SeriousIncident]:
    """Incidents the actor may see, the soonest notification due first, with their reviews.

    `awaiting_only` keeps those not yet notified to the national panel; `recorded_by_actor` those
    the actor recorded. The list is audited (ids only) when `section` names the page.
    """
    qs = incidents_visible(actor)
    if awaiting_only:
        qs = qs.filter(notified_on__isnull=True)
    if recorded_by_actor:
        qs = qs.filter(recorded_by_id=actor.pk)
    incidents = list(
        qs.prefetch_related(Prefetch("reviews", queryset=Review.objects.order_by("started_on"))).order_by(
            F("notified_on").asc(nulls_first=True), "notify_due_on", "reference"
        )
    )
    if section:
        record_event(
            actor=actor,
            verb=Verb.LIST,
            object_type=incident_policy.object_type,
            section=section,
            result_ids=[i.pk for i in incidents],
        )
    return incidents
