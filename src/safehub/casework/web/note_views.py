"""Case notes (issue 5, item 3): a child's notes, newest first; adding one; the author's correction.

The case a note belongs to arrives as an id in the query string (`?involvement=<uuid>`), never
anything personal (R4). The note form carries the version the author read (R49).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused
from safehub.platform.web.permissions import capability_required

from ..models import Involvement
from ..selectors.involvements import involvement_get
from ..selectors.notes import case_person_get, note_get, notes_for
from ..services.notes import case_note_add, case_note_update
from .forms import NoteFilterForm, NoteForm

# The services name the moment `occurred_at`; the form asks for a date and a time.
_FIELD = {"occurred_at": "occurred_on", "involvement": None}


def _put_errors(form: Any, error: ValidationError) -> None:
    for name, msgs in error.message_dict.items():
        target = _FIELD.get(name, name)
        form.add_error(target if target in form.fields else None, msgs)


def _involvement_param(request: HttpRequest, actor: Any) -> Involvement | None:
    raw = request.GET.get("involvement", "")
    if not raw:
        return None
    try:
        involvement_id = uuid.UUID(raw)
    except ValueError:
        raise NotFoundOrForbidden() from None
    return involvement_get(actor=actor, id=involvement_id, action="record")


@capability_required(Capability.VIEW_CASES)
@require_GET
def notes(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = case_person_get(actor=actor, id=person_id, action="view")
    form = NoteFilterForm(request.GET or None)
    significant = bool(form.is_bound and form.is_valid() and form.cleaned_data["significant"])
    # Newest first, a page at a time: one more than a page is read to know whether older ones exist.
    page = _page_number(request)
    found = notes_for(
        actor=actor,
        person=person,
        significant_only=significant,
        limit=NOTES_PER_PAGE + 1,
        offset=(page - 1) * NOTES_PER_PAGE,
    )
    context = {
        "person": person,
        "notes": found[:NOTES_PER_PAGE],
        "page": page,
        "older_page": page + 1 if len(found) > NOTES_PER_PAGE else None,
        "newer_page": page - 1 if page > 1 else None,
        "form": form,
        "significant": significant,
        "can_record": actor.has_capability(Capability.RECORD_CASEWORK),
    }
    return render(request, "casework/notes/list.html", context)


NOTES_PER_PAGE = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    involvement = _involvement_param(request, actor)
    # One audit event per page: the case's view when there is one, else the child's.
    person = case_person_get(
        actor=actor, id=person_id, action="record", section="" if involvement else "case_note_form"
    )
    if involvement is not None and involvement.person_id != person.pk:
        raise NotFoundOrForbidden()
    done_url = (
        involvement.url if involvement and involvement.url else reverse("casework:notes", args=[person.pk])
    )
    if request.method != "POST":
        form = NoteForm(initial=NoteForm.initial_for())
    else:
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                case_note_add(
                    actor=actor,
                    person=person,
                    involvement=involvement,
                    kind=form.cleaned_data["kind"],
                    occurred_at=form.occurred_at(),
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    significant=form.cleaned_data["significant"],
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, "The note is saved.")
                return redirect(done_url)
    context = {"form": form, "person": person, "involvement": involvement, "cancel_url": done_url}
    return render(request, "casework/notes/form.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """The author corrects their note; anyone else is refused (403), like the service."""
    actor: Any = request.user
    note = note_get(actor=actor, id=id, action="record")
    if note.author_id != actor.pk:
        raise PermissionRefused("Only the person who wrote a note can change it.")
    done_url = reverse("casework:notes", args=[note.person_id])
    if request.method != "POST":
        form = NoteForm(initial=NoteForm.initial_for(note))
    else:
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                case_note_update(
                    actor=actor,
                    note=note,
                    expected_version=form.cleaned_data["version"] or 0,
                    kind=form.cleaned_data["kind"],
                    occurred_at=form.occurred_at(),
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    significant=form.cleaned_data["significant"],
                )
            except ConflictError as error:
                note = note_get(actor=actor, id=id, action="record")
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = NoteForm(data)
                form.is_valid()
                who = error.changed_by or "another user"
                form.add_error(
                    None,
                    f"This note was changed by {who} after you opened it. "
                    "Their version is shown below the form; save again to replace it with yours.",
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(
                    request, "The note is corrected. The earlier version is kept in its history."
                )
                return redirect(done_url)
    context = {
        "form": form,
        "person": note.person,
        "involvement": note.involvement,
        "note": note,
        "cancel_url": done_url,
        "editing": True,
    }
    return render(request, "casework/notes/form.html", context)
