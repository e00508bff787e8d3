"""The partner officer's pages: their agency's requests and the answer form (issue 4, item 5).

A partner sees a projection of each request (never the contact), and only their own agency's:
another agency's request is a 404 on GET and POST alike (R18, R19).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.web.permissions import capability_required

from ..constants import RequestStatus
from ..selectors.requests import partner_inbox, partner_own_answers, partner_request_get
from ..services.requests import partner_response_record
from .partner_forms import AnswerForm
from .sharing_forms import add_service_errors


@capability_required(Capability.ANSWER_REQUESTS)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    rows = partner_inbox(actor=request.user)
    context = {
        "waiting": [r for r in rows if r.status == RequestStatus.OPEN],
        "done": [r for r in rows if r.status != RequestStatus.OPEN],
    }
    return render(request, "front_door/partner/inbox.html", context)


@capability_required(Capability.ANSWER_REQUESTS)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    # Loaded first on POST too, so another agency's request is a 404 before any validation.
    view = partner_request_get(actor=actor, id=id)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            partner_response_record(actor=actor, request_id=view.id, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answer has been sent to the MASH.")
            return redirect("partner:request", id=view.id)
    context = {"view": view, "form": form, "answers": partner_own_answers(actor=actor, id=view.id)}
    return render(request, "front_door/partner/request.html", context)
