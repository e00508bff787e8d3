"""Information governance: restricted records, restricting and lifting (R22; step-up per R17)."""

import uuid

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safehub.accounts.constants import Capability

from ... import selectors, services
from ..decorators import capability_required
from ..forms import ReasonForm, RestrictForm, apply_errors

GOVERNANCE = (Capability.MANAGE_GRANTS, Capability.APPROVE_GRANTS)


@capability_required(*GOVERNANCE)
def restriction_list(request: HttpRequest) -> HttpResponse:
    restrictions = selectors.restriction_list(actor=request.user)
    return render(request, "access/restriction_list.html", {"restrictions": restrictions})


@capability_required(*GOVERNANCE)
def restriction_detail(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    record = selectors.restriction_detail(actor=request.user, object_type=object_type, object_id=object_id)
    user = request.user
    return render(
        request,
        "access/restriction_detail.html",
        {
            "record": record,
            "can_manage": user.has_capability(Capability.MANAGE_GRANTS),  # type: ignore[union-attr]
            "can_approve": user.has_capability(Capability.APPROVE_GRANTS),  # type: ignore[union-attr]
        },
    )


@capability_required(Capability.MANAGE_GRANTS)
@reauthentication_required
def record_restrict(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    record = selectors.restriction_detail(actor=request.user, object_type=object_type, object_id=object_id)
    current = record.restriction
    initial = (
        {"level": current.level, "reason": current.reason, "explanation": current.explanation}
        if current
        else {}
    )
    form = RestrictForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_restrict(
                actor=request.user, object_type=object_type, object_id=object_id, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Restriction saved.")
            return redirect("access:restriction_detail", object_type=object_type, object_id=object_id)
    return render(request, "access/restriction_form.html", {"record": record, "form": form})


@capability_required(Capability.MANAGE_GRANTS)
@reauthentication_required
def record_unrestrict(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    record = selectors.restriction_detail(actor=request.user, object_type=object_type, object_id=object_id)
    if record.restriction is None:
        return redirect("access:restriction_detail", object_type=object_type, object_id=object_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_unrestrict(
                actor=request.user,
                object_type=object_type,
                object_id=object_id,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Restriction lifted.")
            return redirect("access:restriction_detail", object_type=object_type, object_id=object_id)
    return render(request, "access/unrestrict_confirm.html", {"record": record, "form": form})
