"""Evidence on an action (issue 10, item 3; ADR 0008 §6): uploading it and downloading it.

Evidence goes through casework's upload pipeline (inspection, quarantine, virus scan; R43). A file
only ever leaves through `download`: CLEAN evidence, as an attachment, never rendered inline, with
the same headers as a casework document; anything else answers 404 like evidence that does not
exist.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from safehub.casework.constants import DocumentStatus
from safehub.platform.forms import add_service_errors
from safehub.platform.web.permissions import capability_required

from ..selectors import actions as selectors
from ..services.evidence import evidence_open, evidence_upload
from .action_forms import EvidenceForm
from .action_views import SEE, UPDATE, form_page

# Served files are never a page: no scripts, no plugins, no framing, no sniffing (R43, T12).
ATTACHMENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def attachment_headers(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@capability_required(UPDATE)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = selectors.action_get(actor=actor, id=id, action="update")
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence = evidence_upload(
                actor=actor,
                action=found,
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if evidence.status == DocumentStatus.CLEAN:
                messages.success(request, f"Evidence uploaded: {evidence.title}.")
            else:
                messages.success(
                    request,
                    f"Evidence uploaded: {evidence.title}. It can be downloaded, and counts towards "
                    "sign-off, once the virus scan has passed.",
                )
            return redirect("learning_actions:detail", id=found.pk)
    return form_page(request, found, "upload.html", form=form)


@capability_required(SEE)
@require_GET
def download(request: HttpRequest, id: uuid.UUID) -> HttpResponseBase:
    actor: Any = request.user
    found = selectors.evidence_get(actor=actor, id=id, clean_only=True)
    evidence, handle = evidence_open(actor=actor, evidence=found)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    return attachment_headers(response)
