"""Who may see and work on cases (R18, R19).

Case records are children's services work: a role with `view_cases` sees every case, less any
whose child it is restricted from (a restricted or sealed person restricts everything recorded
about them, so a case is never a side door to the child). Writing needs `record_casework`;
allocating, authorising and closing need `manage_cases`.
"""

from typing import Any

from django.db.models import QuerySet

from safehub.access import selectors as access_selectors
from safehub.access.policies import Policy
from safehub.accounts.constants import Capability
from safehub.people.models import Person

from .models import Document, Involvement

PERSON_TYPE = Person._meta.label_lower

ACTION_CAPABILITY = {
    "view": Capability.VIEW_CASES,
    "record": Capability.RECORD_CASEWORK,
    "manage": Capability.MANAGE_CASES,
}


def person_hidden(actor: Any) -> QuerySet[Any]:
    """The people this actor is restricted from, as a subquery."""
    return access_selectors.hidden_ids(actor=actor, object_type=PERSON_TYPE)


def person_open(actor: Any, person_id: Any) -> bool:
    return bool(access_selectors.may_open(actor=actor, object_type=PERSON_TYPE, object_id=person_id))


class InvolvementPolicy(Policy[Involvement]):
    model = Involvement
    actions = tuple(ACTION_CAPABILITY)

    def base_scope(self, actor: Any, qs: QuerySet[Involvement], action: str) -> QuerySet[Involvement]:
        if not actor.has_capability(ACTION_CAPABILITY[action]):
            return qs.none()
        return qs.exclude(person_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: Involvement) -> bool:
        return bool(actor.has_capability(ACTION_CAPABILITY[action])) and person_open(actor, obj.person_id)


class DocumentPolicy(Policy[Document]):
    """A document goes with its child: `view` to list and download, `record` to upload."""

    model = Document
    actions = ("view", "record")

    def base_scope(self, actor: Any, qs: QuerySet[Document], action: str) -> QuerySet[Document]:
        if not actor.has_capability(ACTION_CAPABILITY[action]):
            return qs.none()
        return qs.exclude(person_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: Document) -> bool:
        return bool(actor.has_capability(ACTION_CAPABILITY[action])) and person_open(actor, obj.person_id)


involvement_policy = InvolvementPolicy()
document_policy = DocumentPolicy()
