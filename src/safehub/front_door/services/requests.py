"""Information requests to partner agencies and the partners' answers (issue 4, item 5).

A request names one agency and one question; its due time follows the contact's RAG rating in
working time. The e-mails that tell an agency a request is waiting carry no personal details:
the officer signs in and sees the request through the partner projection (R21, R34).
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.models import Agency, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.locking import save_versioned

from ..clocks import Clocks
from ..constants import (
    CHILD_ROLES,
    OPEN_STATUSES,
    RESPONSE_STATUS,
    RequestStatus,
    ResponseKind,
    Sensitivity,
)
from ..models import Contact, ContactSubject, InformationRequest, PartnerResponse
from ..policies import contact_policy, information_request_policy

# The due-time rule is the lead's (the rating service re-times open requests with it).
from .requests_due import request_due, requests_recompute_due

__all__ = [
    "information_request_send",
    "information_request_withdraw",
    "partner_response_record",
    "requests_recompute_due",
]

logger = logging.getLogger(__name__)

# The agencies the MASH asks; children's services is the MASH itself.
PARTNER_AGENCY_KINDS = (
    AgencyKind.POLICE,
    AgencyKind.HEALTH_TRUST,
    AgencyKind.GP_PRACTICE,
    AgencyKind.SCHOOL,
    AgencyKind.PROBATION,
    AgencyKind.HOUSING,
    AgencyKind.VOLUNTARY,
)
QUESTION_MAX_LENGTH = 2000


def partner_officer_emails(agency_id: uuid.UUID) -> list[str]:
    """The agency's MASH mailbox: its active partner officers."""
    return list(
        User.objects.filter(role=Role.MASH_PARTNER, agency_id=agency_id, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def information_request_send(
    *,
    actor: Any,
    contact: Contact,
    agency: Agency,
    question: str,
    subject_ids: Iterable[uuid.UUID | str] | None = None,
    include_addresses: bool = False,
) -> InformationRequest:
    """Ask one partner agency what it knows. One request per agency per contact.

    The agency is told only about the people chosen (`subject_ids`, which must be the contact's;
    None means the contact's children) and their addresses only when asked for (R34).
    A withdrawn request to the same agency is sent again (the table keeps one row per agency).
    """
    contact_policy.check(actor, "change", contact)
    question = (question or "").strip()
    errors: dict[str, list[str]] = {}
    if agency is None or not agency.is_active or agency.kind not in PARTNER_AGENCY_KINDS:
        errors["agency"] = ["Select a partner agency"]
    if not question:
        errors["question"] = ["Enter what you need to know from the agency"]
    elif len(question) > QUESTION_MAX_LENGTH:
        errors["question"] = [f"The question must be {QUESTION_MAX_LENGTH} characters or fewer"]
    now = clock.now()
    with transaction.atomic():
        # Held until commit, so a decision recorded meanwhile cannot leave a request open on a
        # decided contact (the decision closes open requests under the same lock).
        locked = Contact.objects.select_for_update().filter(pk=contact.pk).first()
        if locked is None or locked.status not in OPEN_STATUSES:
            errors[NON_FIELD_ERRORS] = ["The contact has been decided, so no more requests can be sent"]
            raise ValidationError(errors)
        subjects = _chosen_subjects(locked, subject_ids, errors)
        if errors:
            raise ValidationError(errors)
        due_at, escalate_at = request_due(now, locked.rag, Clocks())
        request = InformationRequest.objects.select_for_update().filter(contact=locked, agency=agency).first()
        if request is not None and request.status != RequestStatus.WITHDRAWN:
            raise ValidationError({"agency": [f"A request has already been sent to {agency.name}"]})
        fields = {
            "question": question,
            "status": RequestStatus.OPEN,
            "sent_by": actor,
            "sent_at": now,
            "due_at": due_at,
            "escalate_at": escalate_at,
            "reminded_at": None,
            "escalated_at": None,
            "answered_at": None,
            "include_addresses": bool(include_addresses),
            "withdrawn_reason": "",
            "withdrawn_by": None,
            "withdrawn_at": None,
        }
        if request is not None:
            for name, value in fields.items():
                setattr(request, name, value)
            save_versioned(request, expected_version=request.version, actor=actor)
        else:
            request = InformationRequest(contact=locked, agency=agency, updated_by=actor, **fields)
            request.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    request.save()
            except IntegrityError:
                # Another officer sent one to the same agency a moment ago.
                raise ValidationError(
                    {"agency": [f"A request has already been sent to {agency.name}"]}
                ) from None
        request.subjects.set(subjects)
        record_event(actor=actor, verb=Verb.CREATE, target=request, section=str(agency.kind))
        request_id = request.pk
        transaction.on_commit(lambda: send_request_notice(request_id))
    return request


def _chosen_subjects(
    contact: Contact, subject_ids: Iterable[uuid.UUID | str] | None, errors: dict[str, list[str]]
) -> list[ContactSubject]:
    """The contact's people the agency is told about; an id not of this contact is a field error."""
    people = list(ContactSubject.objects.filter(contact=contact).order_by("created_at"))
    if subject_ids is None:
        return [s for s in people if s.role in CHILD_ROLES]
    by_id = {str(s.pk): s for s in people}
    wanted = [str(i) for i in subject_ids]
    if any(i not in by_id for i in wanted):
        errors["subjects"] = ["Select people from this contact"]
        return []
    if people and not wanted:
        errors["subjects"] = ["Select at least one person the agency should search for"]
        return []
    return [by_id[i] for i in dict.fromkeys(wanted)]


def information_request_withdraw(
    *, actor: Any, request: InformationRequest, reason: str
) -> InformationRequest:
    """Tell the agency the MASH no longer needs an answer. Only an open request can be withdrawn.

    The reason is kept on the request, where the MASH reads it; the audit event carries a fixed
    code only, never the typed text (R27).
    """
    information_request_policy.check(actor, "manage", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why the request is being withdrawn"]})
    with transaction.atomic():
        current = InformationRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != RequestStatus.OPEN:
            raise ValidationError(
                {NON_FIELD_ERRORS: ["Only a request still awaiting an answer can be withdrawn"]}
            )
        current.status = RequestStatus.WITHDRAWN
        current.withdrawn_reason = reason
        current.withdrawn_by = actor
        current.withdrawn_at = clock.now()
        save_versioned(current, expected_version=current.version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="withdrawn", reason="withdrawn")
    return current


def partner_response_record(
    *,
    actor: Any,
    request_id: uuid.UUID | str,
    kind: str,
    content: str = "",
    sensitivity: str = "",
    condition: str = "",
) -> PartnerResponse:
    """A partner officer answers a request addressed to their own agency.

    The request is loaded through the policy's "answer" scope, so another agency's request is
    the same 404 as one that does not exist (R18, R19; issue 4: "a partner answering a request
    that is not theirs gets a 404"). Only what the kind needs is kept: content and its marking
    for information shared, the condition for information held but not shareable.
    """
    content, condition = (content or "").strip(), (condition or "").strip()
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        raise NotFoundOrForbidden() from None
    with transaction.atomic():
        qs = information_request_policy.scope(actor, InformationRequest.objects.all(), "answer")
        request = qs.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFoundOrForbidden()
        errors = _response_errors(request, kind, content, sensitivity, condition)
        if errors:
            raise ValidationError(errors)
        response = PartnerResponse(
            request=request,
            kind=kind,
            content=content if kind == ResponseKind.INFORMATION else "",
            sensitivity=sensitivity if kind == ResponseKind.INFORMATION else "",
            condition=condition if kind == ResponseKind.HELD_NOT_SHAREABLE else "",
            responded_by=actor,
        )
        response.full_clean()
        response.save()
        request.status = RESPONSE_STATUS[ResponseKind(kind)]
        request.answered_at = clock.now()
        # The row is already held; the version moves so an open staff form sees the change (R49).
        save_versioned(request, expected_version=request.version, actor=actor)
        record_event(actor=actor, verb=Verb.CREATE, target=response, section=kind)
    return response


def _response_errors(
    request: InformationRequest, kind: str, content: str, sensitivity: str, condition: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if request.status != RequestStatus.OPEN:
        message = (
            "This request was withdrawn by the MASH, so it needs no answer"
            if request.status == RequestStatus.WITHDRAWN
            else "Your agency has already answered this request"
        )
        errors[NON_FIELD_ERRORS] = [message]
        return errors
    if request.contact.status not in OPEN_STATUSES:
        errors[NON_FIELD_ERRORS] = ["The MASH has already made its decision; phone the MASH if it is urgent"]
        return errors
    if kind not in ResponseKind.values:
        errors["kind"] = ["Select what your agency holds"]
    elif kind == ResponseKind.INFORMATION:
        if not content:
            errors["content"] = ["Enter the information your agency is sharing"]
        if sensitivity not in Sensitivity.values:
            errors["sensitivity"] = ["Select how sensitive the information is"]
    elif kind == ResponseKind.HELD_NOT_SHAREABLE and not condition:
        errors["condition"] = ["Enter what would allow your agency to share it, for example a court order"]
    return errors


# --- e-mails: no names, no dates of birth, no concerns: only that something is waiting ---------


@dataclass(frozen=True)
class Notice:
    to: str
    subject: str
    body: str


def link(name: str, **kwargs: Any) -> str:
    """An absolute link for an e-mail; the bare site address if the page is not mounted."""
    base = getattr(settings, "SAFEHUB_BASE_URL", "").rstrip("/")
    try:
        return base + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return base + "/"


def when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M on %A %d %B %Y}"


def send_notices(notices: Iterable[Notice]) -> int:
    """One message per address, so no recipient sees the others (R51: called after commit)."""
    messages = [
        EmailMessage(subject=n.subject, body=n.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[n.to])
        for n in notices
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def send_request_notice(request_id: uuid.UUID) -> int:
    request = InformationRequest.objects.select_related("agency").filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.OPEN:
        return 0
    recipients = partner_officer_emails(request.agency_id)
    if not recipients:
        logger.warning("information_request_no_recipients", extra={"agency_id": str(request.agency_id)})
        return 0
    subject = "Safehub: a new MASH information request for your agency"
    body = (
        f"The {settings.SAFEHUB_COUNCIL_NAME} MASH has sent {request.agency.name} a new information "
        f"request.\n\nAn answer is due by {when(request.due_at)}.\n\n"
        f"Sign in to Safehub to see it: {link('partner:request', id=request.pk)}\n"
    )
    return send_notices(Notice(to=address, subject=subject, body=body) for address in recipients)
