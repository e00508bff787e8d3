"""The one way to read partner agencies' answers: the MASH agency firewall (SECURITY.md R21).

Every page, panel, export and API endpoint that shows a partner's answer calls
`responses_for_contact` (or `response_views`), never the model:

- MASH roles (VIEW_CONTACTS) read every answer, before the MASH decision and after it;
- a partner officer always reads their own agency's answers;
- anyone else reads an answer only once the contact is decided and only if the latest sharing
  decision (R33) that covers that answer for their agency says "share".

Otherwise the reader gets a marker, "Confidential information held by <agency>", and nothing of
the content. The marker is the same whatever the answer was (even "no trace"), so its wording
does not itself give away what the agency said.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..constants import ContactStatus, ResponseKind, Sensitivity
from ..models import Contact, PartnerResponse, SharingDecision
from ..policies import contact_policy

RESPONSE_TYPE = PartnerResponse._meta.label_lower


@dataclass(frozen=True)
class ResponseView:
    id: uuid.UUID
    request_id: uuid.UUID
    agency_id: uuid.UUID
    agency_name: str
    responded_at: datetime
    # False: the reader gets `marker` and nothing else.
    visible: bool
    marker: str = ""
    kind: str = ""
    kind_label: str = ""
    content: str = ""
    sensitivity: str = ""
    sensitivity_label: str = ""
    condition: str = ""
    responded_by: str = ""


def marker_for(agency_name: str) -> str:
    return f"Confidential information held by {agency_name}"


def responses_for_contact(*, actor: Any, contact: Contact) -> list[ResponseView]:
    """Every answer given to the contact's requests, as this reader may see it (R21)."""
    responses = list(
        PartnerResponse.objects.filter(request__contact_id=contact.pk)
        .select_related("request__agency", "responded_by")
        .order_by("request__agency__name", "created_at")
    )
    return response_views(actor=actor, contact=contact, responses=responses)


def response_views(
    *, actor: Any, contact: Contact, responses: Iterable[PartnerResponse]
) -> list[ResponseView]:
    """The R21 rule applied to answers already loaded (with `request__agency`), all of `contact`.

    The content read is audited: one "list" event on the contact naming the answers shown in
    full (the contact page's own "view" event stays the only view of the contact, R27).
    """
    responses = list(responses)
    if any(r.request.contact_id != contact.pk for r in responses):
        raise ValueError("Every response must belong to the contact.")
    readable = _readable_ids(actor, contact, responses)
    views = [_view(r, r.pk in readable) for r in responses]
    shown = [v.id for v in views if v.visible]
    if shown:
        record_event(
            actor=actor,
            verb=Verb.LIST,
            object_type=RESPONSE_TYPE,
            object_id=contact.pk,
            section="partner_responses",
            result_ids=shown,
        )
    return views


def _readable_ids(actor: Any, contact: Contact, responses: list[PartnerResponse]) -> set[uuid.UUID]:
    if not responses or actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return set()
    if actor.has_capability(Capability.VIEW_CONTACTS) and contact_policy.can(actor, "view", contact):
        return {r.pk for r in responses}
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None:
        return set()
    own = {r.pk for r in responses if r.request.agency_id == agency_id}
    if contact.status != ContactStatus.DECIDED:
        return own
    return own | released_to_agency(contact=contact, agency_id=agency_id)


def released_to_agency(*, contact: Contact, agency_id: uuid.UUID) -> set[uuid.UUID]:
    """Answers whose latest sharing decision for `agency_id` says share (R33 records, R21 rule).

    A later "do not share" for the same answer and agency withdraws an earlier release.
    """
    latest: dict[uuid.UUID, bool] = {}
    decisions = (
        SharingDecision.objects.filter(contact_id=contact.pk, recipient_agency_id=agency_id)
        .prefetch_related("responses")
        .order_by("created_at")
    )
    for decision in decisions:
        for response in decision.responses.all():
            latest[response.pk] = decision.share
    return {pk for pk, share in latest.items() if share}


def items_released_to_agency(*, contact: Contact, agency_id: uuid.UUID) -> set[str]:
    """The contact's own items (names from `services.sharing.CONTACT_ITEMS`) released to an
    agency after the decision, for receiving services' pages and exports."""
    if contact.status != ContactStatus.DECIDED:
        return set()
    latest: dict[str, bool] = {}
    for share, fields in (
        SharingDecision.objects.filter(contact_id=contact.pk, recipient_agency_id=agency_id)
        .order_by("created_at")
        .values_list("share", "fields")
    ):
        for name in fields or ():
            latest[name] = share
    return {name for name, share in latest.items() if share}


def _view(response: PartnerResponse, visible: bool) -> ResponseView:
    agency = response.request.agency
    if not visible:
        return ResponseView(
            id=response.pk,
            request_id=response.request_id,
            agency_id=agency.pk,
            agency_name=agency.name,
            responded_at=response.created_at,
            visible=False,
            marker=marker_for(agency.name),
        )
    return ResponseView(
        id=response.pk,
        request_id=response.request_id,
        agency_id=agency.pk,
        agency_name=agency.name,
        responded_at=response.created_at,
        visible=True,
        kind=response.kind,
        kind_label=ResponseKind(response.kind).label,
        content=response.content,
        sensitivity=response.sensitivity,
        sensitivity_label=Sensitivity(response.sensitivity).label if response.sensitivity else "",
        condition=response.condition,
        responded_by=str(response.responded_by),
    )
