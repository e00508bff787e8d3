"""Care leaver pages (issue 6, item 7): the list, the record, opening, changing, contacts,
pathway plan reviews and closing. Each page reads through the selectors (audited, R27) and writes
through one service; a save over someone else's change says who changed it and when (R49).
"""

import uuid
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.models import Person
from safehub.people.selectors import person_get
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import ACTIVITY_LIST, IN_TOUCH_LIST, LeaverCategory
from ..labels import code_label
from ..selectors.leavers import (
    leaver_candidates,
    leaver_eligibility,
    leaver_get,
    leaver_list,
    leaver_record,
)
from ..services.leaving import (
    CLOSE_REASONS,
    care_leaver_close,
    care_leaver_contact_record,
    care_leaver_open,
    care_leaver_update,
    pathway_review_record,
)
from .leaver_forms import (
    ContactForm,
    LeaverCloseForm,
    LeaverEditForm,
    LeaverFilterForm,
    LeaverOpenForm,
    PathwayReviewForm,
    accommodation_label,
)

WINDOW_TAGS = {
    "done": ("Contact made", "govuk-tag--green"),
    "missed": ("Missed", "govuk-tag--red"),
    "open": ("Due now", "govuk-tag--yellow"),
    "upcoming": ("Not yet due", "govuk-tag--grey"),
}


def _d(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".strip()


def _category(code: str | None) -> str:
    return str(LeaverCategory(code).label) if code in LeaverCategory.values else (code or "")


def _end_reason(code: str) -> str:
    """Why a record closed, in words (records closed before reasons were kept show nothing)."""
    return dict(CLOSE_REASONS).get(code, code)


def _service_errors(form: forms.Form, error: ValidationError) -> None:
    """Each message at the field the service named; anything else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, msgs in error.message_dict.items():
        form.add_error(name if name in form.fields and name != "version" else None, msgs)


def _conflict(form: forms.Form, error: ConflictError) -> None:
    """R49: keep what was typed, take the saved version, and say who changed the record when."""
    data = cast(Any, form.data).copy()
    data["version"] = str(error.current_version)
    form.data = data
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {_d(local.date())}"
    form.add_error(
        None, f"This record was changed by {who}{when} after you opened it. Check it now, then save again."
    )


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    button: str,
    person: Person,
    back: str,
    intro: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "button": button,
        "name": _name(person),
        "back": back,
        "intro": intro,
    }
    context.update(extra or {})
    return render(request, "looked_after/leavers/form.html", context)


def _record_url(care_leaver: Any) -> str:
    return reverse("looked_after_leavers:leaver", args=[care_leaver.pk])


@capability_required(Capability.VIEW_CASES)
@require_GET
def leaver_list_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = LeaverFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    page = leaver_list(actor=actor, filters=filters)
    rows = [
        {
            "record": r,
            "name": _name(r.person),
            "category": _category(r.category),
            "adviser": str(r.personal_adviser) if r.personal_adviser_id else "Not allocated",
            "birthday_due": _d(r.birthday_due_on),
            "overdue": r.birthday_due_on is not None and r.birthday_due_on < clock.today(),
            "last_contact": _d(r.last_contact_on),
            "in_touch": code_label(IN_TOUCH_LIST, r.last_in_touch or ""),
            "activity": code_label(ACTIVITY_LIST, r.last_activity or ""),
            "accommodation": accommodation_label(r.last_accommodation or ""),
        }
        for r in page.records
    ]
    base_query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    # Only managers open records, so only they are shown who may be owed support without one.
    candidates = None
    if actor.has_capability(Capability.MANAGE_CASES):
        candidates = [
            {
                "person": c.person,
                "name": _name(c.person),
                "born": _d(c.person.date_of_birth),
                "age": c.age,
                "category": _category(c.category),
                "care": f"Left care on {_d(c.left_care_on)}" if c.left_care_on else "Looked after now",
            }
            for c in leaver_candidates(actor=actor)
        ]
    return render(
        request,
        "looked_after/leavers/list.html",
        {
            "form": LeaverFilterForm(request.GET or None),
            "rows": rows,
            "page": page,
            "base_query": base_query,
            "candidates": candidates,
        },
    )


@capability_required(Capability.VIEW_CASES)
@require_GET
def leaver(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    care_leaver = leaver_get(actor=actor, id=id, section="care_leaver")
    view = leaver_record(actor=actor, care_leaver=care_leaver)
    today = clock.today()
    context = {
        "view": view,
        "record": care_leaver,
        "name": _name(view.person),
        "born": _d(view.person.date_of_birth) or "Not recorded",
        "category": _category(care_leaver.category),
        "suggestion": _category(view.suggestion)
        if view.suggestion
        else "None: check the young person's history",
        "adviser": str(care_leaver.personal_adviser) if care_leaver.personal_adviser_id else "Not allocated",
        "started_on": _d(care_leaver.started_on),
        "ended_on": _d(care_leaver.ended_on),
        "end_reason": _end_reason(care_leaver.end_reason),
        "pathway_plan_on": _d(care_leaver.pathway_plan_on) or "Not recorded",
        "contacts": [
            {
                "on": _d(c.contact_on),
                "in_touch": code_label(IN_TOUCH_LIST, c.in_touch),
                "activity": code_label(ACTIVITY_LIST, c.activity) or "Not recorded",
                "accommodation": accommodation_label(c.accommodation) or "Not recorded",
                "notes": c.notes,
            }
            for c in view.contacts
        ],
        "reviews": [{"on": _d(r.reviewed_on), "summary": r.summary} for r in view.reviews],
        "windows": [
            {
                "label": w.window.label,
                "birthday": _d(w.window.birthday),
                "opens": _d(w.window.opens_on),
                "closes": _d(w.window.closes_on),
                "tag": WINDOW_TAGS[w.status],
                "contact": _d(w.contact.contact_on) if w.contact else "",
            }
            for w in view.windows
        ],
        "tasks": [
            {"title": t.title, "due": _d(t.due_on), "overdue": t.due_on < today, "basis": t.basis}
            for t in view.open_tasks
        ],
        "is_open": care_leaver.ended_on is None,
    }
    return render(request, "looked_after/leavers/leaver.html", context)


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def leaver_open(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = person_get(actor=actor, id=person_id, purpose="care_leaver_open")
    suggestion = leaver_eligibility(person, clock.today())
    form = LeaverOpenForm(request.POST or None, initial={"category": suggestion or ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = care_leaver_open(
                actor=actor,
                person=person,
                started_on=data["started_on"],
                category=data["category"],
                personal_adviser=data["personal_adviser"],
                pathway_plan_on=data["pathway_plan_on"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Care leaver record opened.")
            return redirect("looked_after_leavers:leaver", id=record.pk)
    intro = (
        f"From the record of care, the young person looks {_category(suggestion).lower()}. Check and choose the category."
        if suggestion
        else "The record of care does not show a leaving care category today. Check the young person's history."
    )
    return _form_page(
        request,
        form,
        title="Open a care leaver record",
        button="Open the record",
        person=person,
        back=reverse("looked_after_leavers:leaver_list"),
        intro=intro,
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def leaver_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    record = leaver_get(actor=actor, id=id, action="manage", section="care_leaver_edit")
    if request.method != "POST":
        form = LeaverEditForm(
            initial={
                "category": record.category,
                "personal_adviser": record.personal_adviser_id,
                "pathway_plan_on": record.pathway_plan_on,
                "version": record.version,
            }
        )
    else:
        form = LeaverEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                care_leaver_update(
                    actor=actor,
                    care_leaver=record,
                    category=data["category"],
                    personal_adviser=data["personal_adviser"],
                    pathway_plan_on=data["pathway_plan_on"],
                    expected_version=data["version"],
                )
            except ConflictError as error:
                _conflict(form, error)
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, "Care leaver details saved.")
                return redirect("looked_after_leavers:leaver", id=record.pk)
    return _form_page(
        request,
        form,
        title="Change the care leaver details",
        button="Save the changes",
        person=record.person,
        back=_record_url(record),
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    record = leaver_get(actor=actor, id=id, action="record", section="care_leaver_contact")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            care_leaver_contact_record(actor=actor, care_leaver=record, **data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Contact recorded.")
            return redirect("looked_after_leavers:leaver", id=record.pk)
    return _form_page(
        request,
        form,
        title="Record a keeping-in-touch contact",
        button="Save the contact",
        person=record.person,
        back=_record_url(record),
        intro="Around each 17th to 21st birthday, a contact from 3 months before to 1 month after counts for the return.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def pathway_review_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    record = leaver_get(actor=actor, id=id, action="record", section="pathway_review")
    form = PathwayReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pathway_review_record(actor=actor, care_leaver=record, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Pathway plan review recorded.")
            return redirect("looked_after_leavers:leaver", id=record.pk)
    return _form_page(
        request,
        form,
        title="Record a pathway plan review",
        button="Save the review",
        person=record.person,
        back=_record_url(record),
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def leaver_close(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    record = leaver_get(actor=actor, id=id, action="manage", section="care_leaver_close")
    if request.method != "POST":
        form = LeaverCloseForm(initial={"version": record.version})
    else:
        form = LeaverCloseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                care_leaver_close(
                    actor=actor,
                    care_leaver=record,
                    ended_on=data["ended_on"],
                    reason=data["reason"],
                    expected_version=data["version"],
                )
            except ConflictError as error:
                _conflict(form, error)
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(
                    request, "The care leaver record is closed. Its open tasks were closed with it."
                )
                return redirect("looked_after_leavers:leaver", id=record.pk)
    return _form_page(
        request,
        form,
        title="Close the care leaver record",
        button="Close the record",
        person=record.person,
        back=_record_url(record),
        intro="Closing ends the leaving care involvement and its open tasks.",
        extra={"reasons": CLOSE_REASONS},
    )
