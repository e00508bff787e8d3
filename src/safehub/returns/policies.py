"""Who may see and prepare statutory returns (R18).

Returns are council-level artefacts: `view` (view_returns) reads produced returns, validation runs
and import runs; `prepare` (prepare_returns) produces, validates, explains queries and marks a
return submitted. A child named in a finding is shown by name only when the people policy lets
the viewer open that person (`visible_people`); otherwise by return id alone (R22).
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability
from safehub.people.models import Person
from safehub.people.policies import person_policy

from .models import ProducedReturn

ACTION_CAPABILITY = {"view": Capability.VIEW_RETURNS, "prepare": Capability.PREPARE_RETURNS}


def returns_can(actor: Any, action: str) -> bool:
    capability = ACTION_CAPABILITY.get(action)
    return bool(
        capability
        and actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.has_capability(capability)
    )


class ProducedReturnPolicy(Policy[ProducedReturn]):
    model = ProducedReturn
    actions = tuple(ACTION_CAPABILITY)

    def base_scope(self, actor: Any, qs: QuerySet[ProducedReturn], action: str) -> QuerySet[ProducedReturn]:
        return qs if returns_can(actor, action) else qs.none()

    def base_can(self, actor: Any, action: str, obj: ProducedReturn) -> bool:
        return returns_can(actor, action)


def visible_people(actor: Any, person_ids: Iterable[UUID]) -> dict[UUID, Person]:
    """The people among `person_ids` whom the actor may open (for showing names beside ids)."""
    ids = [pid for pid in set(person_ids) if pid is not None]
    if not ids:
        return {}
    return {person.pk: person for person in person_policy.visible(actor, ids)}


produced_return_policy = ProducedReturnPolicy()
