"""Documents on a child's record, letters, letter templates and the chronology export (issue 5).

Thin views: parse the form, call one service or selector, render. Files only ever leave through
`download` (CLEAN documents, as an attachment, never rendered inline: R43) and `chronology_pdf`.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import DocumentStatus
from ..models import Involvement
from ..selectors import documents as selectors
from ..services.documents import document_upload
from ..services.letters import letter_generate, letter_template_save
from .document_forms import LetterForm, LetterTemplateForm, UploadForm

# Served files are never a page: no scripts, no plugins, no framing, no sniffing (R43, T12).
ATTACHMENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"

STATUS_TAGS = {
    DocumentStatus.CLEAN: "govuk-tag--green",
    DocumentStatus.QUARANTINED: "govuk-tag--yellow",
    DocumentStatus.SCAN_FAILED: "govuk-tag--orange",
    DocumentStatus.INFECTED: "govuk-tag--red",
}


def _attachment_headers(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cache-Control"] = "no-store, max-age=0"
    return response


def _field_errors(form: Form, error: ValidationError) -> None:
    for field, msgs in error.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


def _involvement(request: HttpRequest, person: Any) -> Involvement | None:
    """The involvement named by `?involvement=` (GET) or the hidden field (POST), through the policy."""
    raw = request.POST.get("involvement") if request.method == "POST" else request.GET.get("involvement")
    if not raw:
        return None
    try:
        involvement_id = uuid.UUID(str(raw))
    except ValueError:
        raise Http404() from None
    return selectors.involvement_for_person(actor=request.user, person=person, id=involvement_id)


def _rows(documents: list[Any]) -> list[dict[str, Any]]:
    return [
        {"document": d, "tag": STATUS_TAGS.get(d.status, ""), "clean": d.status == DocumentStatus.CLEAN}
        for d in documents
    ]


@capability_required(Capability.VIEW_CASES)
@require_GET
def document_list(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person, documents = selectors.document_list(actor=actor, person_id=person_id)
    context = {
        "person": person,
        "rows": _rows(documents),
        "can_record": actor.has_capability(Capability.RECORD_CASEWORK),
    }
    return render(request, "casework/documents/list.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = selectors.person_for_documents(
        actor=actor, person_id=person_id, action="record", audit_section="documents"
    )
    involvement = _involvement(request, person)
    if request.method != "POST":
        form = UploadForm(initial={"involvement": involvement.pk if involvement else None})
    else:
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = document_upload(
                    actor=actor,
                    person=person,
                    involvement=involvement,
                    title=form.cleaned_data["title"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            else:
                if document.status == DocumentStatus.CLEAN:
                    messages.success(request, f"Uploaded: {document.title}.")
                else:
                    messages.success(
                        request,
                        f"Uploaded: {document.title}. You can download it once the virus scan has passed.",
                    )
                return redirect("casework_documents:list", person_id=person.pk)
    context = {"person": person, "involvement": involvement, "form": form}
    return render(request, "casework/documents/upload.html", context)


@capability_required(Capability.VIEW_CASES)
@require_GET
def download(request: HttpRequest, id: uuid.UUID) -> HttpResponseBase:
    document, handle = selectors.document_for_download(actor=request.user, id=id)
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    return _attachment_headers(response)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = selectors.person_for_documents(
        actor=actor, person_id=person_id, action="record", audit_section="letter"
    )
    involvement = _involvement(request, person)
    templates = list(selectors.letter_templates(actor=actor, active_only=True))
    choices = [(str(t.pk), t.name) for t in templates]
    if request.method != "POST":
        form = LetterForm(initial={"involvement": involvement.pk if involvement else None}, templates=choices)
    else:
        form = LetterForm(request.POST, templates=choices)
        if form.is_valid():
            template = selectors.letter_template_get(
                actor=actor, id=form.cleaned_data["template"], active_only=True
            )
            try:
                document = letter_generate(
                    actor=actor,
                    person=person,
                    involvement=involvement,
                    template=template,
                    parent_name=form.cleaned_data["parent_name"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            else:
                messages.success(request, f"Letter created: {document.title}. You can download it below.")
                return redirect("casework_documents:list", person_id=person.pk)
    context = {"person": person, "involvement": involvement, "form": form, "templates": templates}
    return render(request, "casework/documents/letter.html", context)


@capability_required(Capability.MANAGE_CASE_SETTINGS)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = selectors.letter_templates(actor=request.user)
    return render(request, "casework/documents/templates.html", {"templates": templates})


def _conflict_message(error: ConflictError) -> str:
    who = error.changed_by or "another user"
    when = f" at {error.changed_at:%H:%M on %-d %B %Y}" if error.changed_at else ""
    return f"This template was changed by {who}{when} after you opened it. Check the text below, then save again."


@capability_required(Capability.MANAGE_CASE_SETTINGS)
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@capability_required(Capability.MANAGE_CASE_SETTINGS)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _template_form(request, id)


def _template_form(request: HttpRequest, id: uuid.UUID | None) -> HttpResponse:
    actor: Any = request.user
    template = selectors.letter_template_for_editing(actor=actor, id=id) if id else None
    if request.method != "POST":
        initial: dict[str, Any] = {"active": True}
        if template is not None:
            initial = {
                "name": template.name,
                "description": template.description,
                "body": template.body,
                "active": template.active,
                "version": template.version,
            }
        form = LetterTemplateForm(initial=initial)
    else:
        form = LetterTemplateForm(request.POST)
        if form.is_valid() and template is not None and form.cleaned_data["version"] is None:
            form.add_error(None, "This page is out of date. Open the template again, then make your changes")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                saved = letter_template_save(
                    actor=actor,
                    template=template,
                    expected_version=data["version"] if template is not None else None,
                    name=data["name"],
                    description=data["description"],
                    body=data["body"],
                    active=data["active"],
                )
            except ConflictError as error:
                post = request.POST.copy()
                post["version"] = str(error.current_version)
                form = LetterTemplateForm(post)
                form.is_valid()
                form.add_error(None, _conflict_message(error))
            except ValidationError as error:
                _field_errors(form, error)
            else:
                messages.success(request, f"Letter template saved: {saved.name}.")
                return redirect("casework_documents:templates")
    return render(request, "casework/documents/template_form.html", {"form": form, "template": template})


@capability_required(Capability.VIEW_CASES)
@require_GET
def chronology_pdf(request: HttpRequest, person_id: uuid.UUID) -> HttpResponseBase:
    _person, pdf = selectors.chronology_pdf(actor=request.user, person_id=person_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{clock.today():%Y-%m-%d}.pdf"'
    return _attachment_headers(response)
