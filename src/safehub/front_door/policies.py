"""Who may see and act on contacts and information requests (R18, R19, R21).

Contacts are MASH work: MASH roles see them all (less any they are restricted from). A referring
professional only *tracks* what they submitted, through the portal's own pages, which show a
status and the feedback meant for them and nothing else (issue 4, item 2). A partner officer
never sees a contact: they see the information requests addressed to their own agency.
"""

from typing import Any

from django.db.models import QuerySet

from safehub.access import selectors as access_selectors
from safehub.access.policies import Policy
from safehub.accounts.constants import Capability

from .models import Contact, InformationRequest

_CONTACT_CAPABILITY = {
    "view": Capability.VIEW_CONTACTS,
    "change": Capability.RECORD_CONTACTS,
    "rate": Capability.SCREEN_CONTACTS,
    "share": Capability.SCREEN_CONTACTS,
    "authorise": Capability.AUTHORISE_DECISIONS,
    "track": Capability.SUBMIT_REFERRALS,
}


class ContactPolicy(Policy[Contact]):
    model = Contact
    actions = tuple(_CONTACT_CAPABILITY)

    def base_scope(self, actor: Any, qs: QuerySet[Contact], action: str) -> QuerySet[Contact]:
        if not actor.has_capability(_CONTACT_CAPABILITY[action]):
            return qs.none()
        if action == "track":
            return qs.filter(submitted_by=actor)
        return qs

    def base_can(self, actor: Any, action: str, obj: Contact) -> bool:
        if not actor.has_capability(_CONTACT_CAPABILITY[action]):
            return False
        if action == "track":
            return obj.submitted_by_id == actor.pk
        return True


_CONTACT_TYPE = Contact._meta.label_lower


def _mash_action(actor: Any, action: str) -> bool:
    """Whether the actor acts here as MASH staff, for whom the contact's restriction applies."""
    if action == "manage":
        return bool(actor.has_capability(Capability.RECORD_CONTACTS))
    return action == "view" and bool(actor.has_capability(Capability.VIEW_CONTACTS))


class InformationRequestPolicy(Policy[InformationRequest]):
    """`view`: MASH roles see every request; a partner officer sees their agency's only.
    `answer`: only a partner officer of the agency asked. `manage` (send, withdraw): MASH roles.

    A MASH user restricted from a contact is restricted from its requests too (R19, R22): the
    request would otherwise be a side door to the contact (its reference, the question, the
    answers, and withdrawing it). Partners never see the contact, so the agency rule is theirs.
    """

    model = InformationRequest
    actions = ("view", "answer", "manage")

    def base_scope(
        self, actor: Any, qs: QuerySet[InformationRequest], action: str
    ) -> QuerySet[InformationRequest]:
        if _mash_action(actor, action):
            hidden = access_selectors.hidden_ids(actor=actor, object_type=_CONTACT_TYPE)
            return qs.exclude(contact_id__in=hidden)
        if action == "manage":
            return qs.none()
        if actor.has_capability(Capability.ANSWER_REQUESTS) and actor.agency_id is not None:
            return qs.filter(agency_id=actor.agency_id)
        return qs.none()

    def base_can(self, actor: Any, action: str, obj: InformationRequest) -> bool:
        if _mash_action(actor, action):
            return access_selectors.may_open(actor=actor, object_type=_CONTACT_TYPE, object_id=obj.contact_id)
        if action == "manage":
            return False
        return (
            actor.has_capability(Capability.ANSWER_REQUESTS)
            and actor.agency_id is not None
            and obj.agency_id == actor.agency_id
        )


contact_policy = ContactPolicy()
information_request_policy = InformationRequestPolicy()
