"""Who may see and work on cases (R18, R19).

Case records are children's services work: a role with `view_cases` sees every case, less any
whose child it is restricted from (a restricted or sealed person restricts everything recorded
about them, so a case is never a side door to the child). Writing needs `record_casework`;
allocating, authorising and closing need `manage_cases`.

Early help involvements (issue 9) are the early help capabilities' instead, so an early help
practitioner, who has no `view_cases`, still sees the tasks on the families they hold. A partner
professional never reaches them this way: what a partner sees is the episodes they are a TAF
member of, through early help's own policy, never a list of every family in early help.
"""

from typing import Any

from django.db.models import Q, QuerySet

from safehub.access import selectors as access_selectors
from safehub.access.policies import Policy
from safehub.accounts.constants import Capability, Role
from safehub.people.models import Person

from .constants import CaseService
from .models import Document, Involvement

PERSON_TYPE = Person._meta.label_lower

ACTION_CAPABILITY = {
    "view": Capability.VIEW_CASES,
    "record": Capability.RECORD_CASEWORK,
    "manage": Capability.MANAGE_CASES,
}
EARLY_HELP_CAPABILITY = {
    "view": Capability.VIEW_EARLY_HELP,
    "record": Capability.RECORD_EARLY_HELP,
    "manage": Capability.MANAGE_EARLY_HELP,
}


def _services(actor: Any, action: str) -> tuple[bool, bool]:
    """(may reach social care involvements, may reach early help involvements) for `action`."""
    social_care = bool(actor.has_capability(ACTION_CAPABILITY[action]))
    early_help = actor.role != Role.EARLY_HELP_PARTNER and bool(
        actor.has_capability(EARLY_HELP_CAPABILITY[action])
    )
    return social_care, early_help


def person_hidden(actor: Any) -> QuerySet[Any]:
    """The people this actor is restricted from, as a subquery."""
    return access_selectors.hidden_ids(actor=actor, object_type=PERSON_TYPE)


def person_open(actor: Any, person_id: Any) -> bool:
    return bool(access_selectors.may_open(actor=actor, object_type=PERSON_TYPE, object_id=person_id))


class InvolvementPolicy(Policy[Involvement]):
    model = Involvement
    actions = tuple(ACTION_CAPABILITY)

    def base_scope(self, actor: Any, qs: QuerySet[Involvement], action: str) -> QuerySet[Involvement]:
        social_care, early_help = _services(actor, action)
        if not (social_care or early_help):
            return qs.none()
        if not (social_care and early_help):
            is_early_help = Q(service=CaseService.EARLY_HELP)
            qs = qs.filter(is_early_help if early_help else ~is_early_help)
        return qs.exclude(person_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: Involvement) -> bool:
        social_care, early_help = _services(actor, action)
        allowed = early_help if obj.service == CaseService.EARLY_HELP else social_care
        return allowed and person_open(actor, obj.person_id)


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
