"""Screening: the MASH manager's RAG rating and the clocks it starts (issue 4, item 4)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..clocks import Clocks, contact_refresh_clocks
from ..constants import ContactStatus, Rag
from ..models import Contact, RagRating
from ..policies import contact_policy
from .requests_due import requests_recompute_due


def rag_set(*, actor: Any, contact: Contact, rag: str, expected_version: int, reason: str = "") -> Contact:
    """Rate the contact red, amber or green, or change the rating; a change needs a reason.

    The rating sets how long the hub has (the RAG clock) and how soon partners must answer;
    open information requests take the new due times.
    """
    contact_policy.check(actor, "rate", contact)
    errors: dict[str, list[str]] = {}
    if rag not in Rag.values:
        errors["rag"] = ["Choose red, amber or green."]
    if not contact.is_open:
        errors.setdefault("rag", []).append("The contact has been decided; its rating can no longer change.")
    changing = bool(contact.rag)
    if changing and rag == contact.rag:
        errors.setdefault("rag", []).append(f"The contact is already {contact.get_rag_display().lower()}.")
    if changing and not reason.strip():
        errors["reason"] = ["Say why the rating changes."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = contact.rag
        contact.rag = rag
        if contact.status == ContactStatus.AWAITING_SCREENING:
            contact.status = ContactStatus.IN_PROGRESS
            contact.screened_at = clock.now()
        clocks = Clocks()
        contact_refresh_clocks(contact, clocks)
        save_versioned(contact, expected_version=expected_version, actor=actor)
        assert contact.rag_due_at is not None  # set by contact_refresh_clocks for a rated contact
        RagRating.objects.create(
            contact=contact,
            rag=rag,
            previous=previous,
            reason=reason.strip(),
            set_by=actor,
            due_at=contact.rag_due_at,
        )
        requests_recompute_due(contact, clocks)
        # The reason is kept on the rating, where the MASH reads it; the audit trail gets a fixed
        # code, never free text that may name people (R27).
        record_event(
            actor=actor,
            verb=Verb.UPDATE,
            target=contact,
            section="rag",
            reason=f"{previous or 'unrated'} to {rag}",
        )
    return contact
