"""Decisions to share, or not to share, what the MASH holds (SECURITY.md R33, R21).

Every decision names its lawful basis, purpose, recipient and items, and who made it; a
decision not to share is recorded the same way (DPA 2018 Sch 1 Pt 4 para 41; information
sharing advice for safeguarding practitioners, 2024, golden rule 7). After the MASH decision,
`selectors.responses` releases a partner's answer to an agency only through these records.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..constants import LawfulBasis
from ..models import Contact, PartnerResponse, SharingDecision
from ..policies import contact_policy

# Items of the contact itself that a decision may cover, by name, in the order a form lists them.
CONTACT_ITEMS: dict[str, str] = {
    "summary": "The concern, as recorded",
    "concerns": "The concern categories",
    "subjects": "The children and adults involved",
    "outcome": "The MASH decision and its rationale",
}
PURPOSE_MAX_LENGTH = 2000


def sharing_decision_record(
    *,
    actor: Any,
    contact: Contact,
    share: bool,
    lawful_basis: str,
    purpose: str,
    recipient_agency: Agency | None = None,
    recipient_description: str = "",
    responses: Iterable[PartnerResponse | uuid.UUID | str] = (),
    fields: Iterable[str] = (),
) -> SharingDecision:
    """Record one decision to share (or not) items of a contact with one recipient (R33).

    `responses` are partner answers to this contact's requests (objects or ids); `fields` are
    names from CONTACT_ITEMS. Everything wrong is reported at once; nothing is saved on error.
    """
    contact_policy.check(actor, "share", contact)
    purpose = (purpose or "").strip()
    recipient_description = (recipient_description or "").strip()
    response_ids = {str(r.pk if isinstance(r, PartnerResponse) else r) for r in responses}
    field_names = list(dict.fromkeys(fields))
    errors: dict[str, list[str]] = {}
    if share not in (True, False):
        errors["share"] = ["Select whether you are sharing"]
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = ["Select the lawful basis"]
    if not purpose:
        errors["purpose"] = ["Enter the purpose of sharing (or of not sharing)"]
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = [f"The purpose must be {PURPOSE_MAX_LENGTH} characters or fewer"]
    if recipient_agency is None and not recipient_description:
        errors["recipient_agency"] = ["Select the agency, or describe the recipient"]
    elif recipient_agency is not None and not recipient_agency.is_active:
        errors["recipient_agency"] = ["Select an agency Safehub still works with"]
    if len(recipient_description) > 200:
        errors["recipient_description"] = ["The recipient must be 200 characters or fewer"]
    unknown_fields = [name for name in field_names if name not in CONTACT_ITEMS]
    if unknown_fields:
        errors["fields"] = ["Select items from the list"]
    with transaction.atomic():
        found = _contact_responses(contact, response_ids)
        if len(found) != len(response_ids):
            errors["responses"] = ["Select answers given to this contact's requests"]
        if not response_ids and not field_names:
            errors["responses"] = ["Select at least one item the decision covers"]
        if errors:
            raise ValidationError(errors)
        decision = SharingDecision(
            contact=contact,
            share=share,
            lawful_basis=lawful_basis,
            purpose=purpose,
            recipient_agency=recipient_agency,
            recipient_description=recipient_description,
            fields=field_names,
            decided_by=actor,
        )
        decision.full_clean()
        decision.save()
        decision.responses.set(found)
        record_event(
            actor=actor,
            verb=Verb.SHARE if share else Verb.CREATE,
            target=decision,
            section="share" if share else "no_share",
        )
    return decision


def _contact_responses(contact: Contact, ids: set[str]) -> list[PartnerResponse]:
    if not ids:
        return []
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            return []
    return list(PartnerResponse.objects.filter(pk__in=valid, request__contact=contact))
