"""The alerts inbox: a user's own flagged-adult alerts and their MASH team's queue.

A recipient always reads the reason (it names no one). The flagged adult and each child appear,
with links, only when the reader may see that record; otherwise the page says the reader cannot
see the adult's record, and leaves out children it may not show without saying how many (R22).
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability

from ..alerts.selectors import alert_inbox, alert_recipient_get, alert_summary
from ..services.alerts import alert_acknowledge, alert_mark_read

INBOX_PAGE_SIZE = 25


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What have you done or decided?",
        help_text="For example, checked the children's records and spoke to the allocated worker",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you have done or decided about this alert"},
    )


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_capability(Capability.VIEW_PEOPLE):  # type: ignore[union-attr]
        raise PermissionDenied


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    acknowledged = request.GET.get("show") == "acknowledged"
    rows = alert_inbox(actor=request.user, acknowledged=acknowledged)
    page = Paginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/alerts/inbox.html", {"page": page, "acknowledged": acknowledged})


def _detail(
    request: HttpRequest, recipient_id: uuid.UUID, form: AcknowledgeForm, status: int = 200
) -> HttpResponse:
    recipient = alert_recipient_get(actor=request.user, id=recipient_id)
    alert_mark_read(actor=request.user, recipient=recipient)
    summary = alert_summary(actor=request.user, recipient=recipient)
    return render(request, "people/alerts/detail.html", {"summary": summary, "form": form}, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, recipient_id: uuid.UUID) -> HttpResponse:
    _require_view(request)
    return _detail(request, recipient_id, AcknowledgeForm())


@require_http_methods(["POST"])
@login_required
def acknowledge(request: HttpRequest, recipient_id: uuid.UUID) -> HttpResponse:
    _require_view(request)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        recipient = alert_recipient_get(actor=request.user, id=recipient_id)
        try:
            alert_acknowledge(actor=request.user, recipient=recipient, note=form.cleaned_data["note"])
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                form.add_error("note", messages_)
        else:
            messages.success(request, "Alert acknowledged")
            return redirect("people:alerts")
    return _detail(request, recipient_id, form, status=400)
