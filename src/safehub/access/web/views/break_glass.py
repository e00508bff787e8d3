"""Emergency access: the start page (with step-up), the IG review queue, review and report (R17, R23)."""

import uuid

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safehub.accounts.constants import Capability

from ... import selectors, services
from ...capabilities import SeparationOfDuties
from ...constants import BREAK_GLASS_DURATION
from ..decorators import capability_required
from ..forms import BreakGlassForm, MonthForm, ReviewForm, apply_errors
from .common import safe_next


@capability_required(Capability.BREAK_GLASS)
@reauthentication_required
def break_glass_start(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    """Step-up first (allauth re-authentication, R17), then a reason code and text (R23)."""
    selectors.break_glass_target(actor=request.user, object_type=object_type, object_id=object_id)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            use = services.break_glass_start(
                actor=request.user, object_type=object_type, object_id=object_id, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            until = timezone.localtime(use.expires_at)
            messages.warning(
                request, f"You are using emergency access until {until:%H:%M}. It will be reviewed."
            )
            return redirect(safe_next(request))
    hours = int(BREAK_GLASS_DURATION.total_seconds() // 3600)
    return render(request, "access/break_glass_start.html", {"form": form, "hours": hours})


@capability_required(Capability.REVIEW_BREAK_GLASS)
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    uses = selectors.break_glass_review_queue(actor=request.user)
    return render(request, "access/break_glass_queue.html", {"uses": uses})


@capability_required(Capability.REVIEW_BREAK_GLASS)
def break_glass_review(request: HttpRequest, access_id: uuid.UUID) -> HttpResponse:
    use = selectors.break_glass_get(actor=request.user, id=access_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(actor=request.user, access=use, **form.cleaned_data)
        except SeparationOfDuties as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("access:break_glass_queue")
    own = use.user_id == request.user.pk
    return render(request, "access/break_glass_review.html", {"use": use, "form": form, "own": own})


@capability_required(Capability.REVIEW_BREAK_GLASS)
def break_glass_report(request: HttpRequest) -> HttpResponse:
    """The monthly summary for the Caldicott Guardian: uses by person and review outcome (T19)."""
    form = MonthForm(request.GET or None)
    year, month = form.year_month()
    report = selectors.break_glass_monthly_report(actor=request.user, year=year, month=month)
    return render(request, "access/break_glass_report.html", {"form": form, "report": report})
