"""Reads of information requests: the partner projection and the MASH's requests panel.

A partner officer never sees a contact. They see a *projection* of a request to their own
agency: the question, the clock, and the minimum details to search their own systems for the
people (role, name, date of birth, address). Never the summary, the concerns, the referrer,
other agencies' answers or the intake intelligence (issue 4, item 5; ADR 0003, 3).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Value, When

from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..clocks import forecast
from ..constants import RequestStatus, SubjectRole
from ..models import Contact, ContactSubject, InformationRequest, PartnerResponse, SharingDecision
from ..policies import contact_policy, information_request_policy
from ..services.requests import PARTNER_AGENCY_KINDS
from ..services.sharing import CONTACT_ITEMS
from .responses import ResponseView, response_views

REQUEST_TYPE = InformationRequest._meta.label_lower


# --- the partner projection ---------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectSearchDetails:
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
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


def _partner_queryset(actor: Any) -> Any:
    subjects = ContactSubject.objects.select_related("person").order_by("role", "created_at")
    return (
        information_request_policy.scope(actor, InformationRequest.objects.all(), "answer")
        .select_related("contact", "agency")
        .prefetch_related(Prefetch("contact__subjects", queryset=subjects))
    )


def partner_inbox(*, actor: Any, status: str = "") -> list[PartnerRequestView]:
    """The requests addressed to the actor's agency: open ones first, then by due time."""
    qs = _partner_queryset(actor)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    qs = qs.annotate(
        waiting=Case(
            When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("waiting", "due_at")
    now = clock.now()
    views = [_project(request, now) for request in qs]
    record_event(actor=actor, verb=Verb.LIST, object_type=REQUEST_TYPE, result_ids=[v.id for v in views])
    return views


def partner_request_get(*, actor: Any, id: uuid.UUID | str) -> PartnerRequestView:
    """One request to the actor's agency, or NotFoundOrForbidden (the same 404 for another agency's)."""
    request = _partner_queryset(actor).filter(pk=id).first()
    if request is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=request, section="partner_projection")
    return _project(request, clock.now())


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


def _project(request: InformationRequest, now: datetime) -> PartnerRequestView:
    is_open = request.status == RequestStatus.OPEN
    # Minimum necessary (R34): once the MASH no longer needs an answer, neither does the partner.
    subjects = (
        []
        if request.status == RequestStatus.WITHDRAWN
        else [_subject(s) for s in request.contact.subjects.all()]
    )
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
        subjects=subjects,
        version=request.version,
    )


def _subject(subject: ContactSubject) -> SubjectSearchDetails:
    details = subject.details or {}
    given, family = details.get("given_name", ""), details.get("family_name", "")
    dob, edd = details.get("date_of_birth", ""), details.get("expected_date_of_birth", "")
    person = subject.person
    if person is not None:
        # The index record is the better search key once the MASH has linked it.
        given, family = person.given_name, person.family_name
        dob = _iso(person.date_of_birth) or dob
        edd = _iso(person.expected_date_of_birth) or edd
    return SubjectSearchDetails(
        role=subject.role,
        role_label=SubjectRole(subject.role).label if subject.role in SubjectRole.values else subject.role,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        expected_date_of_birth=edd,
        address_line=details.get("address_line", ""),
        postcode=details.get("postcode", ""),
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


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
        .select_related("agency")
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
