"""Access requests: the queue and decision pages for information governance, and the requester's
own list, which says how each request was decided but never which record it was for (T3)."""

import uuid
from datetime import datetime, time, timedelta

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import PermissionRefused
from safehub.platform.forms import GovukDateField

from ...selectors.access_requests import access_request_get, access_requests_mine, access_requests_pending
from ...services.access_request import access_request_approve, access_request_decline
from ..decorators import capability_required
from ..forms import DATE_HINT, apply_errors

APPROVE, DECLINE = "approve", "decline"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(APPROVE, "Approve: give access for a limited time"), (DECLINE, "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or decline the request."},
    )
    expires_on = GovukDateField(
        label="Last day of access (if approving)",
        required=False,
        future=True,
        name_in_errors="the last day of access",
        help_text=f"Access ends at midnight at the end of this day. {DATE_HINT}",
    )
    note = forms.CharField(
        label="Note to the requester",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you decline. Do not name or describe the record: the requester sees this note.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == APPROVE and not data.get("expires_on") and "expires_on" not in self.errors:
            self.add_error("expires_on", "Enter the last day of access")
        if data.get("decision") == DECLINE and not (data.get("note") or "").strip():
            self.add_error("note", "Explain why the request is declined")
        return data

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@require_GET
@capability_required(Capability.MANAGE_GRANTS)
def access_request_queue(request: HttpRequest) -> HttpResponse:
    pending = access_requests_pending(actor=request.user)
    return render(request, "access/access_requests/queue.html", {"requests": pending})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_GRANTS)
@reauthentication_required
def access_request_decide(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    access_request = access_request_get(actor=request.user, id=request_id)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == APPROVE:
                access_request_approve(
                    actor=request.user,
                    request=access_request,
                    expires_at=form.expires_at(),
                    note=form.cleaned_data["note"],
                )
                done = "Request approved: access granted."
            else:
                access_request_decline(
                    actor=request.user, request=access_request, note=form.cleaned_data["note"]
                )
                done = "Request declined."
        except PermissionRefused as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            if hasattr(error, "error_dict") and "expires_at" in error.error_dict:
                error = ValidationError(
                    {"expires_on": error.error_dict.pop("expires_at"), **error.error_dict}
                )
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("access:access_request_queue")
    context = {"access_request": access_request, "form": form}
    return render(request, "access/access_requests/decide.html", context)


@require_GET
@login_required
def access_requests_own(request: HttpRequest) -> HttpResponse:
    return render(
        request, "access/access_requests/mine.html", {"requests": access_requests_mine(actor=request.user)}
    )
