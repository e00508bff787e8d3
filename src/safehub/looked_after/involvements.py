"""Open periods of care as involvements, for the person page and the front door's "already open to
children's services" panel. Registered with `people.involvements` (people sits below this app).
One query for any number of people (R19: through the care policy's scope)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from safehub.people.involvements import Involvement

from .models import LookedAfterPeriod
from .policies import care_policy

SOURCE_NAME = "looked_after"


def period_url(period_id: Any) -> str:
    try:
        return reverse("looked_after:period", args=[period_id])
    except NoReverseMatch:
        return ""


def open_periods(actor: Any, person_ids: list[Any]) -> Iterable[Involvement]:
    """The open periods of care of these people that `actor` may see, one query."""
    qs = care_policy.scope(
        actor, LookedAfterPeriod.objects.filter(Q(person_id__in=person_ids), ended_on__isnull=True), "view"
    ).select_related("involvement__worker", "involvement__team")
    for period in qs.order_by("started_on"):
        involvement = period.involvement
        yield Involvement(
            person_id=period.person_id,
            service="Looked after",
            started_on=period.started_on,
            worker=str(involvement.worker) if involvement.worker_id else "",
            team=str(involvement.team) if involvement.team_id else "",
            url=involvement.url or period_url(period.pk),
            kind=involvement.service,
        )
