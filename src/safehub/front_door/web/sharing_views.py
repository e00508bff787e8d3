"""The MASH's side of information sharing: send and withdraw requests, record sharing decisions.

Each page acts on one contact, loaded through its policy: a contact the user may not see is a
404 (R19). After a change the user goes back to the contact page, where the panel shows it.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.web.permissions import capability_required

from ..selectors.contacts import contact_get
from ..selectors.requests import (
    information_request_get,
    recipient_agencies,
    request_agency_choices,
    request_subject_choices,
)
from ..selectors.responses import responses_for_contact
from ..services.requests import information_request_send, information_request_withdraw
from ..services.sharing import sharing_decision_record
from .sharing_forms import InformationRequestForm, SharingDecisionForm, WithdrawForm, add_service_errors


@capability_required(Capability.RECORD_CONTACTS)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, contact_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    contact = contact_get(actor=actor, id=contact_id, action="change")
    agencies = request_agency_choices(actor=actor, contact=contact)
    people = request_subject_choices(actor=actor, contact=contact)
    form = InformationRequestForm(
        request.POST if request.method == "POST" else None, agencies=agencies, people=people
    )
    if form.is_bound and form.is_valid():
        try:
            sent = information_request_send(actor=actor, contact=contact, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request sent to {sent.agency.name}.")
            return redirect("front_door:contact", id=contact.pk)
    context = {"form": form, "contact": contact, "agencies": agencies}
    return render(request, "front_door/sharing/request_form.html", context)


@capability_required(Capability.RECORD_CONTACTS)
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    info_request = information_request_get(actor=actor, id=id, action="manage")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            information_request_withdraw(
                actor=actor, request=info_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request to {info_request.agency.name} withdrawn.")
            return redirect("front_door:contact", id=info_request.contact_id)
    context = {"form": form, "info_request": info_request, "contact": info_request.contact}
    return render(request, "front_door/sharing/withdraw.html", context)


@capability_required(Capability.SCREEN_CONTACTS)
@require_http_methods(["GET", "POST"])
def sharing_new(request: HttpRequest, contact_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    contact = contact_get(actor=actor, id=contact_id, action="share")
    responses = responses_for_contact(actor=actor, contact=contact)
    form = SharingDecisionForm(
        request.POST if request.method == "POST" else None,
        agencies=recipient_agencies(),
        responses=responses,
    )
    if form.is_bound and form.is_valid():
        try:
            decision = sharing_decision_record(actor=actor, contact=contact, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error, SharingDecisionForm.ALIASES)
        else:
            verb = "share" if decision.share else "not to share"
            messages.success(request, f"Decision {verb} recorded.")
            return redirect("front_door:contact", id=contact.pk)
    return render(request, "front_door/sharing/decision_form.html", {"form": form, "contact": contact})
