"""Which risk flags a viewer may see, for the family network and the chronology.

The rule is the person page's (`safehub.people.record`): every user who may view people sees a
person's flags of normal sensitivity; a *sensitive* flag (e.g. a police intelligence marker) only
the MASH, team managers and staff of the agency that raised it. Anyone else sees the person
without that flag, and without a hint that a hidden flag exists. Delegating keeps the person page,
the network and the chronology from disagreeing.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from safehub.accounts.constants import Capability
from safehub.platform import clock

from ..models import RiskFlag
from ..record import SENSITIVE_FLAG_ROLES
from ..record import visible_flags as record_visible_flags


def may_see_sensitive(actor: Any) -> bool:
    """Whether the actor sees every sensitive entry (by role), whoever raised it."""
    return bool(actor.has_capability(Capability.VIEW_PEOPLE) and actor.role in SENSITIVE_FLAG_ROLES)


def visible_flags(actor: Any, flags: QuerySet[RiskFlag]) -> QuerySet[RiskFlag]:
    """`flags` narrowed to those the actor may see (the caller has already checked the person)."""
    if not actor.has_capability(Capability.VIEW_PEOPLE):
        return flags.none()
    return record_visible_flags(actor, flags)


def current_flags_by_person(
    actor: Any, person_ids: Iterable[Any], today: date | None = None
) -> dict[Any, list[RiskFlag]]:
    """Current flags (started, not ended) the actor may see, for each person id, in one query."""
    today = today or clock.today()
    qs = RiskFlag.objects.filter(person_id__in=list(person_ids), starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=today)
    )
    found: dict[Any, list[RiskFlag]] = {}
    for flag in visible_flags(actor, qs).order_by("person_id", "kind", "starts_on"):
        found.setdefault(flag.person_id, []).append(flag)
    return found
