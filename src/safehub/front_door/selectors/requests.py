"""Reads of information requests: the partner projection and the MASH's requests panel.

A partner officer never sees a contact. They see a *projection* of a request to their own
agency: the question, the clock, and, while an answer is wanted, the people the MASH chose to tell
them about, as described in the contact ("Child" or "Adult", name, date of birth, and the address
only if the MASH included it). Never the summary, the concerns, the referrer, index data, other
agencies' answers or the intake intelligence (issue 4, item 5; ADR 0003, 3; R22, R34).
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..clocks import forecast
from ..constants import CHILD_ROLES, OPEN_STATUSES, RequestStatus
from ..models import Contact, ContactSubject, InformationRequest, PartnerResponse, SharingDecision
from ..policies import contact_policy, information_request_policy
from ..services.requests import PARTNER_AGENCY_KINDS
from ..services.sharing import CONTACT_ITEMS
from .responses import ResponseView, response_views

REQUEST_TYPE = InformationRequest._meta.label_lower


# --- the partner projection ---------------------------------------------------------------------

# The inbox's history: answered and withdrawn requests this recent, at most this many (R34).
CLOSED_INBOX_DAYS = 90
CLOSED_INBOX_LIMIT = 100


@dataclass(frozen=True)
class SubjectSearchDetails:
    """One person as the referrer or the MASH described them: never index data (R22).

    `role` is "child" or "adult" only: what the MASH suspects of an adult is not the partner's
    to read (R34).
    """

    role: str
    role_label: str
    given_name: str
    family_name: str
    date_of_birth: str
    expected_date_of_birth: str
    address_line: str
    postcode: str


@dataclass(frozen=True)
class PartnerRequestView:
    id: uuid.UUID
    contact_reference: str
    agency_id: uuid.UUID
    agency_name: str
    question: str
    sent_at: datetime
    due_at: datetime
    status: str
    status_label: str
    forecast: str
    overdue: bool
    answered_at: datetime | None
    subjects: list[SubjectSearchDetails] = field(default_factory=list)
    # Whether the MASH included the people's addresses (otherwise there is no address column).
    addresses: bool = False
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


def _partner_queryset(actor: Any) -> Any:
    return information_request_policy.scope(actor, InformationRequest.objects.all(), "answer").select_related(
        "contact", "agency"
    )


def partner_inbox(*, actor: Any, status: str = "") -> list[PartnerRequestView]:
    """The requests addressed to the actor's agency: every open one by due time, then the answered
    and withdrawn ones of the last 90 days, newest first, at most 100. No people: the inbox does
    not show them, so it does not read them."""
    qs = _partner_queryset(actor)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    now = clock.now()
    waiting = list(qs.filter(status=RequestStatus.OPEN).order_by("due_at"))
    closed = list(
        qs.exclude(status=RequestStatus.OPEN)
        .filter(updated_at__gte=now - timedelta(days=CLOSED_INBOX_DAYS))
        .order_by("-updated_at")[:CLOSED_INBOX_LIMIT]
    )
    views = [_project(request, now, people=False) for request in waiting + closed]
    record_event(actor=actor, verb=Verb.LIST, object_type=REQUEST_TYPE, result_ids=[v.id for v in views])
    return views


def partner_request_get(*, actor: Any, id: uuid.UUID | str) -> PartnerRequestView:
    """One request to the actor's agency, or NotFoundOrForbidden (the same 404 for another agency's)."""
    request = _partner_queryset(actor).filter(pk=id).first()
    if request is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=request, section="partner_projection")
    return _project(request, clock.now(), people=True)


def partner_own_answers(*, actor: Any, id: uuid.UUID | str) -> list[ResponseView]:
    """What the actor's agency answered to one of its requests, through the R21 selector."""
    request = (
        information_request_policy.scope(actor, InformationRequest.objects.all(), "answer")
        .select_related("contact")
        .filter(pk=id)
        .first()
    )
    if request is None:
        raise NotFoundOrForbidden()
    responses = PartnerResponse.objects.filter(request=request).select_related(
        "request__agency", "responded_by"
    )
    return response_views(actor=actor, contact=request.contact, responses=responses)


def _project(request: InformationRequest, now: datetime, *, people: bool) -> PartnerRequestView:
    is_open = request.status == RequestStatus.OPEN
    return PartnerRequestView(
        id=request.pk,
        contact_reference=request.contact.reference,
        agency_id=request.agency_id,
        agency_name=request.agency.name,
        question=request.question,
        sent_at=request.sent_at,
        due_at=request.due_at,
        status=request.status,
        status_label=RequestStatus(request.status).label,
        forecast=forecast(request.due_at, now) if is_open else "",
        overdue=is_open and request.due_at <= now,
        answered_at=request.answered_at,
        subjects=_people(request) if people else [],
        addresses=people and request.include_addresses,
        version=request.version,
    )


def _people(request: InformationRequest) -> list[SubjectSearchDetails]:
    """The people the MASH chose to tell this agency about, while an answer is still wanted.

    Minimum necessary (R34): once the agency has answered, the MASH has withdrawn the request or
    decided the contact, the partner no longer needs them; the partner keeps the request and its
    own answer. Read from the description in the contact only, never from the person index: a
    linked record may be sealed (an adopted child's new identity) and the partner is not the
    index's reader (R22).
    """
    if request.status != RequestStatus.OPEN or request.contact.status not in OPEN_STATUSES:
        return []
    chosen = sorted(request.subjects.all(), key=lambda s: (s.role not in CHILD_ROLES, s.created_at))
    return [_subject(s, addresses=request.include_addresses) for s in chosen]


def _subject(subject: ContactSubject, *, addresses: bool) -> SubjectSearchDetails:
    details = subject.details or {}
    child = subject.role in CHILD_ROLES
    return SubjectSearchDetails(
        role="child" if child else "adult",
        role_label="Child" if child else "Adult",
        given_name=details.get("given_name", ""),
        family_name=details.get("family_name", ""),
        date_of_birth=details.get("date_of_birth", ""),
        expected_date_of_birth=details.get("expected_date_of_birth", ""),
        address_line=details.get("address_line", "") if addresses else "",
        postcode=details.get("postcode", "") if addresses else "",
    )


# --- the MASH side --------------------------------------------------------------------------------


def information_request_get(*, actor: Any, id: uuid.UUID | str, action: str = "view") -> InformationRequest:
    request = (
        information_request_policy.scope(actor, InformationRequest.objects.all(), action)
        .select_related("contact", "agency")
        .filter(pk=id)
        .first()
    )
    if request is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=request)
    return request


def partner_agencies() -> list[Agency]:
    """Active agencies the MASH can send a request to."""
    return list(Agency.objects.filter(is_active=True, kind__in=PARTNER_AGENCY_KINDS).order_by("name"))


def request_agency_choices(*, actor: Any, contact: Contact) -> list[Agency]:
    """Partner agencies not yet asked about this contact (a withdrawn request may be sent again)."""
    contact_policy.check(actor, "change", contact)
    asked = set(
        InformationRequest.objects.filter(contact=contact)
        .exclude(status=RequestStatus.WITHDRAWN)
        .values_list("agency_id", flat=True)
    )
    return [agency for agency in partner_agencies() if agency.pk not in asked]


@dataclass(frozen=True)
class SubjectChoice:
    """A person in the contact the MASH may tell an agency about, for the request form."""

    id: uuid.UUID
    label: str
    is_child: bool


def request_subject_choices(*, actor: Any, contact: Contact) -> list[SubjectChoice]:
    """The contact's people, children first, as the contact describes them."""
    contact_policy.check(actor, "change", contact)
    subjects = sorted(
        ContactSubject.objects.filter(contact=contact),
        key=lambda s: (s.role not in CHILD_ROLES, s.created_at),
    )
    return [SubjectChoice(id=s.pk, label=_choice_label(s), is_child=s.role in CHILD_ROLES) for s in subjects]


def _choice_label(subject: ContactSubject) -> str:
    details = subject.details or {}
    name = " ".join(x for x in (details.get("given_name", ""), details.get("family_name", "")) if x)
    born = details.get("date_of_birth", "") or details.get("expected_date_of_birth", "")
    parts = [name or "Name not known", subject.get_role_display()]
    if born:
        parts.append(f"born {born}" if details.get("date_of_birth") else f"expected {born}")
    return ", ".join(parts)


def recipient_agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_active=True).order_by("name"))


@dataclass(frozen=True)
class RequestRow:
    request: InformationRequest
    status_label: str
    forecast: str
    overdue: bool
    responses: list[ResponseView]


@dataclass(frozen=True)
class SharingRow:
    decision: SharingDecision
    recipient: str
    items: list[str]


@dataclass(frozen=True)
class RequestsPanel:
    contact: Contact
    rows: list[RequestRow]
    sharing: list[SharingRow]
    can_request: bool
    can_withdraw: bool
    can_share: bool

    @property
    def open_count(self) -> int:
        return sum(1 for row in self.rows if row.request.status == RequestStatus.OPEN)


def requests_panel_for(*, actor: Any, contact: Contact) -> RequestsPanel:
    """The contact page's information-sharing panel: requests, answers (R21) and sharing decisions (R33).

    A fixed number of queries whatever the number of requests and answers.
    """
    contact_policy.check(actor, "view", contact)
    requests = list(
        information_request_policy.scope(actor, InformationRequest.objects.filter(contact=contact))
        .select_related("agency", "withdrawn_by")
        .order_by("agency__name")
    )
    responses = list(
        PartnerResponse.objects.filter(request__in=[r.pk for r in requests])
        .select_related("request__agency", "responded_by")
        .order_by("created_at")
    )
    views = response_views(actor=actor, contact=contact, responses=responses)
    by_request: dict[uuid.UUID, list[ResponseView]] = {}
    for view in views:
        by_request.setdefault(view.request_id, []).append(view)
    now = clock.now()
    rows = []
    for request in requests:
        is_open = request.status == RequestStatus.OPEN
        rows.append(
            RequestRow(
                request=request,
                status_label=RequestStatus(request.status).label,
                forecast=forecast(request.due_at, now) if is_open else "",
                overdue=is_open and request.due_at <= now,
                responses=by_request.get(request.pk, []),
            )
        )
    labels = {str(v.id): f"{v.agency_name}'s answer" for v in views}
    decisions = (
        SharingDecision.objects.filter(contact=contact)
        .select_related("recipient_agency", "decided_by")
        .prefetch_related("responses")
        .order_by("created_at")
    )
    sharing = [
        SharingRow(
            decision=d,
            recipient=", ".join(
                x
                for x in (d.recipient_agency.name if d.recipient_agency else "", d.recipient_description)
                if x
            ),
            items=[CONTACT_ITEMS.get(name, name) for name in d.fields]
            + [labels.get(str(r.pk), "A partner's answer") for r in d.responses.all()],
        )
        for d in decisions
    ]
    return RequestsPanel(
        contact=contact,
        rows=rows,
        sharing=sharing,
        can_request=contact.is_open and contact_policy.can(actor, "change", contact),
        can_withdraw=contact.is_open and contact_policy.can(actor, "change", contact),
        can_share=contact_policy.can(actor, "share", contact),
    )
