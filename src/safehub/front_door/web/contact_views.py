"""MASH contact pages: record a contact, read it, and link its people to the person index.

Personal details travel only in POST bodies, never in a URL (R4): the match step is a POST even
though it changes nothing. A contact the user may not see is a 404, like a missing one (R19).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.policies import person_policy
from safehub.people.selectors import person_get
from safehub.people.services.match import person_match
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused
from safehub.platform.web.permissions import capability_required
from safehub.reference_data.selectors import code_label

from ..constants import REFERRAL_SOURCE_LIST
from ..models import Contact, ContactSubject
from ..selectors.contacts import contact_get
from ..selectors.handovers import decision_panel_for
from ..selectors.intake import intake_for
from ..selectors.requests import requests_panel_for
from ..services._details import match_query
from ..services.contact import (
    ReferrerInput,
    SubjectInput,
    contact_create,
    contact_subject_add,
    contact_subject_link,
)
from . import presenters
from .contact_forms import ContactForm, SubjectAddForm


@capability_required(Capability.RECORD_CONTACTS)
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ContactForm(request.POST)
    else:
        form = ContactForm(initial=ContactForm.initial_now())
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        subjects = [SubjectInput(role=role, details=details) for role, details in form.subjects()]
        referrer = ReferrerInput(
            name=data["referrer_name"],
            agency=data["referrer_agency"],
            organisation=data["referrer_organisation"],
            role=data["referrer_role"],
            phone=data["referrer_phone"],
            email=data["referrer_email"],
            identity_withheld=data["referrer_identity_withheld"],
        )
        try:
            contact = contact_create(
                actor=request.user,
                channel=data["channel"],
                referral_source=data["referral_source"],
                summary=data["summary"],
                concerns=form.concerns_list(),
                consent=data["consent"],
                consent_reason=data["consent_reason"],
                lawful_basis=data["lawful_basis"],
                subjects=subjects,
                referrer=referrer,
                received_at=form.received_at(),
                child_not_identified_reason=(
                    data["child_not_identified_reason"] if data["child_not_identified"] else ""
                ),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Contact {contact.reference} recorded.")
            return redirect("front_door:contact", id=contact.pk)
    return render(request, "front_door/contact/form.html", {"form": form})


def _subject_rows(actor: Any, contact: Contact, can_change: bool) -> list[dict[str, Any]]:
    subjects = list(contact.subjects.select_related("person"))
    visible = {p.pk for p in person_policy.visible(actor, [s.person_id for s in subjects if s.person_id])}
    return [
        {
            "subject": subject,
            "name": presenters.subject_name(subject, visible),
            "described": presenters.described_rows(subject.details),
            "can_match": can_change and subject.person_id is None,
            "record_visible": subject.person_id in visible,
        }
        for subject in subjects
    ]


@capability_required(Capability.VIEW_CONTACTS)
@require_GET
def contact_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    contact = contact_get(actor=actor, id=id)
    now = clock.now()
    can_change = actor.has_capability(Capability.RECORD_CONTACTS) and contact.is_open
    context = {
        "contact": contact,
        "rag": presenters.rag_tag(contact.rag),
        "clocks": presenters.contact_clocks(contact, now),
        "received": presenters.format_datetime(contact.received_at),
        "referrer": presenters.referrer_rows(contact),
        "referral_source": code_label(REFERRAL_SOURCE_LIST, contact.referral_source),
        "concerns": [c.get_category_display() for c in contact.concerns.all()],
        "subjects": _subject_rows(actor, contact, can_change),
        "ratings": presenters.rating_rows(list(contact.ratings.all())),
        "intake": intake_for(actor=actor, contact=contact),
        "can_change": can_change,
        "can_rate": actor.has_capability(Capability.SCREEN_CONTACTS) and contact.is_open,
        "requests_panel": requests_panel_for(actor=actor, contact=contact),
        "decision_panel": decision_panel_for(actor=actor, contact=contact),
    }
    return render(request, "front_door/contact/detail.html", context)


def _subject_of(contact: Contact, subject_id: uuid.UUID) -> ContactSubject:
    for subject in contact.subjects.all():
        if subject.pk == subject_id:
            return subject
    raise NotFoundOrForbidden()


def _candidates(result: Any) -> list[dict[str, Any]]:
    rows = []
    for candidate in result.candidates:
        person = candidate.person
        rows.append(
            {
                "id": candidate.person_id,
                "name": f"{person.family_name.upper()}, {person.given_name}",
                "date_of_birth": presenters.described_rows(
                    {"date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else ""}
                ),
                "percent": _percent(candidate.probability),
                "explanation": [
                    (e.field.replace("_", " ").capitalize(), e.outcome) for e in candidate.explanation
                ],
            }
        )
    return rows


def _percent(probability: float) -> str:
    """Plain words, never a certain 0% or 100% (as on the people find page)."""
    pct = probability * 100
    if pct >= 99.5:
        return "More than 99%"
    if pct < 1:
        return "Less than 1%"
    return f"{pct:.0f}%"


@capability_required(Capability.RECORD_CONTACTS)
@require_http_methods(["GET", "POST"])
def subject_match(request: HttpRequest, id: uuid.UUID, subject_id: uuid.UUID) -> HttpResponse:
    """Find the described person in the index, then link one record or create a new one."""
    actor: Any = request.user
    contact = contact_get(actor=actor, id=id, action="change")
    subject = _subject_of(contact, subject_id)
    context: dict[str, Any] = {
        "contact": contact,
        "subject": subject,
        "name": presenters.subject_name(subject),
        "described": presenters.described_rows(subject.details),
        "searched": False,
        "errors": [],
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "search":
            query = match_query(subject.details)
            if not query:
                context["errors"] = [
                    "There are no details to search with. Link or create the record from the people pages."
                ]
            else:
                result = person_match(actor=actor, query=query)
                context.update(
                    searched=True,
                    candidates=_candidates(result),
                    restricted_matches=result.restricted_matches,
                )
        elif action == "link":
            person = person_get(actor=actor, id=_uuid(request.POST.get("person", "")))
            contact_subject_link(actor=actor, subject=subject, person=person)
            messages.success(
                request, f"{presenters.subject_name(subject, {person.pk})} is linked to their record."
            )
            return redirect("front_door:contact", id=contact.pk)
        elif action == "create":
            contact_subject_link(actor=actor, subject=subject, create=True)
            messages.success(
                request,
                f"A new record was created for {presenters.subject_name(subject, {subject.person_id})}.",
            )
            return redirect("front_door:contact", id=contact.pk)
    except ValidationError as error:
        context["errors"] = error.messages
    except PermissionRefused as refusal:
        raise PermissionDenied from refusal
    return render(request, "front_door/contact/match.html", context)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFoundOrForbidden() from None


@capability_required(Capability.RECORD_CONTACTS)
@require_http_methods(["GET", "POST"])
def subject_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    contact = contact_get(actor=actor, id=id, action="change")
    form = SubjectAddForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            subject = contact_subject_add(
                actor=actor, contact=contact, subject=SubjectInput(role=form.role(), details=form.details())
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"{presenters.subject_name(subject)} added. Now find or create their record."
            )
            return redirect("front_door:subject_match", id=contact.pk, subject_id=subject.pk)
    return render(request, "front_door/contact/subject_add.html", {"form": form, "contact": contact})
