"""Who may see and change a person (R19). Issue 3 adds allocation- and agency-based rules."""

from typing import Any

from django.db.models import QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability

from .models import Person

_ACTION_CAPABILITY = {"view": Capability.VIEW_PEOPLE, "change": Capability.EDIT_PEOPLE}


class PersonPolicy(Policy[Person]):
    model = Person

    def base_scope(self, actor: Any, qs: QuerySet[Person], action: str) -> QuerySet[Person]:
        capability = _ACTION_CAPABILITY.get(action)
        if capability is None or not actor.has_capability(capability):
            return qs.none()
        return qs

    def base_can(self, actor: Any, action: str, obj: Person) -> bool:
        capability = _ACTION_CAPABILITY.get(action)
        return capability is not None and actor.has_capability(capability)


person_policy = PersonPolicy()
