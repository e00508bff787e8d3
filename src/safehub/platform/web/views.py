"""Local closures pages for system administrators (R52). Parse, call one service, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import calendar, clock
from ..services import local_closure_create, local_closure_delete
from .forms import LocalClosureForm

# platform sits below accounts, so it names the capability rather than importing Capability.
MANAGE_CALENDAR = "manage_calendar"


def _require_capability(request: HttpRequest) -> None:
    if not request.user.has_capability(MANAGE_CALENDAR):  # type: ignore[union-attr]
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def closure_list(request: HttpRequest) -> HttpResponse:
    _require_capability(request)
    today = clock.today()
    context = {
        "closures": calendar.upcoming_local_closures(today),
        "bank_holidays": calendar.england_bank_holidays([today.year, today.year + 1]),
        "years": (today.year, today.year + 1),
        "today": today,
    }
    return render(request, "platform/closure_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def closure_create(request: HttpRequest) -> HttpResponse:
    _require_capability(request)
    form = LocalClosureForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            closure = local_closure_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)  # a dict of field errors lands on those fields
        else:
            messages.success(request, f"{closure.get_kind_display()} added for {closure.date:%-d %B %Y}.")
            return redirect("platform:closure_list")
    return render(request, "platform/closure_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def closure_delete(request: HttpRequest, closure_id: uuid.UUID) -> HttpResponse:
    _require_capability(request)
    closure = calendar.local_closure_get(closure_id)
    error = ""
    if request.method == "POST":
        try:
            local_closure_delete(actor=request.user, closure=closure)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Removed the entry for {closure.date:%-d %B %Y}.")
            return redirect("platform:closure_list")
    return render(request, "platform/closure_confirm_delete.html", {"closure": closure, "error": error})
