"""Who may see and change a person (R19). Issue 3 adds allocation- and agency-based rules.

A person merged into another (`merged_into` set) is no longer a record of its own: "view" and
"change" leave it out, so search, matching, lists and counts never return it, and its page points
at the survivor instead. Only the "merge" action reaches it, for the people who review merges and
may undo one; restrictions still apply to that action like any other.
"""

from typing import Any

from django.db.models import QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability

from .models import Person

_ACTION_CAPABILITY = {
    "view": Capability.VIEW_PEOPLE,
    "change": Capability.EDIT_PEOPLE,
    "merge": Capability.MERGE_PEOPLE,
}


class PersonPolicy(Policy[Person]):
    model = Person
    actions = ("view", "change", "merge")

    def base_scope(self, actor: Any, qs: QuerySet[Person], action: str) -> QuerySet[Person]:
        capability = _ACTION_CAPABILITY.get(action)
        if capability is None or not actor.has_capability(capability):
            return qs.none()
        if action != "merge":
            qs = qs.filter(merged_into__isnull=True)
        return qs

    def base_can(self, actor: Any, action: str, obj: Person) -> bool:
        capability = _ACTION_CAPABILITY.get(action)
        if capability is None or not actor.has_capability(capability):
            return False
        return action == "merge" or obj.merged_into_id is None


person_policy = PersonPolicy()
