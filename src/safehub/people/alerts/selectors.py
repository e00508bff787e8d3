"""Reading alerts: a user's own alerts and their MASH team's queue (R19, R27).

What a recipient reads depends on what they may see: the reason always (it names no one), the
flagged adult and each child only when the person policy lets the reader see that record.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability
from safehub.accounts.models import TeamMembership
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..models import AlertRecipient, FlaggedAdultAlert, Person
from ..policies import person_policy


class AlertRecipientPolicy(Policy[AlertRecipient]):
    """A recipient row is the user's own, or their team's (any member may read and acknowledge it)."""

    model = AlertRecipient

    def base_scope(self, actor: Any, qs: QuerySet[AlertRecipient], action: str) -> QuerySet[AlertRecipient]:
        if not actor.has_capability(Capability.VIEW_PEOPLE):
            return qs.none()
        teams = TeamMembership.objects.filter(user=actor).values("team_id")
        return qs.filter(Q(user=actor) | Q(team__in=teams))

    def base_can(self, actor: Any, action: str, obj: AlertRecipient) -> bool:
        if not actor.has_capability(Capability.VIEW_PEOPLE):
            return False
        if obj.user_id is not None:
            return bool(obj.user_id == actor.pk)
        if obj.team_id is None:
            return False
        return TeamMembership.objects.filter(user=actor, team_id=obj.team_id).exists()


recipient_policy = AlertRecipientPolicy()


def alert_inbox(*, actor: Any, acknowledged: bool = False) -> list[AlertRecipient]:
    """The actor's alerts (unacknowledged by default), newest first; audited as a list."""
    rows = list(
        recipient_policy.scope(actor, AlertRecipient.objects.all())
        .filter(acknowledged_at__isnull=not acknowledged)
        .select_related("alert", "team", "acknowledged_by")
        .order_by("-alert__created_at", "id")
    )
    record_event(
        actor=actor, verb=Verb.LIST, object_type="people.alertrecipient", result_ids=[r.pk for r in rows]
    )
    return rows


def alert_recipient_get(*, actor: Any, id: uuid.UUID | str) -> AlertRecipient:
    row = (
        recipient_policy.scope(actor, AlertRecipient.objects.all())
        .select_related("alert", "alert__adult", "team", "user", "acknowledged_by")
        .filter(pk=id)
        .first()
    )
    if row is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=row.alert)
    return row


@dataclass(frozen=True)
class AlertSummary:
    """An alert as one reader may see it: `adult` is None and `children` holds only visible
    children when the reader may not see those records; nothing says how many were left out."""

    recipient: AlertRecipient
    alert: FlaggedAdultAlert
    adult: Person | None
    children: list[Person]


def alert_summary(*, actor: Any, recipient: AlertRecipient) -> AlertSummary:
    alert = recipient.alert
    adult = alert.adult if person_policy.can(actor, "view", alert.adult) else None
    children = list(
        person_policy.scope(actor, alert.children.all()).order_by("family_name", "given_name", "id")
    )
    return AlertSummary(recipient=recipient, alert=alert, adult=adult, children=children)
