"""Casework settings (issue 5, items 2 and 4): the local timescales and the caseload weights.

Modelled on the MASH clock settings. Settings hold no personal data. A changed timescale moves
the due date of every open task that depends on it as soon as it is saved.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.web.permissions import capability_required

from ..constants import CaseLevel, LocalTimescale
from ..selectors.caseloads import caseload_weight_rows
from ..selectors.settings import timescale_rows
from ..services.settings import caseload_weight_change, timescale_setting_change
from .forms import TimescaleForm, WeightForm


def _put_errors(form: Any, error: ValidationError) -> None:
    for name, msgs in error.message_dict.items():
        form.add_error(name if name in form.fields else None, msgs)


@capability_required(Capability.MANAGE_CASE_SETTINGS)
@require_GET
def settings(request: HttpRequest) -> HttpResponse:
    context = {"timescales": timescale_rows(), "weights": caseload_weight_rows()}
    return render(request, "casework/settings/list.html", context)


@capability_required(Capability.MANAGE_CASE_SETTINGS)
@require_http_methods(["GET", "POST"])
def timescale_edit(request: HttpRequest, key: str) -> HttpResponse:
    if key not in LocalTimescale.values:
        raise NotFoundOrForbidden()
    row = next(r for r in timescale_rows() if r.key == key)
    if request.method != "POST":
        form = TimescaleForm(initial={"amount": row.amount, "unit": row.unit})
    else:
        form = TimescaleForm(request.POST)
        if form.is_valid():
            try:
                setting = timescale_setting_change(
                    actor=request.user,
                    key=key,
                    amount=form.cleaned_data["amount"],
                    unit=form.cleaned_data["unit"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(
                    request, f"{row.label} is now {setting.amount} {setting.get_unit_display()}."
                )
                return redirect("casework:settings")
    return render(request, "casework/settings/timescale.html", {"form": form, "row": row})


@capability_required(Capability.MANAGE_CASE_SETTINGS)
@require_http_methods(["GET", "POST"])
def weight_edit(request: HttpRequest, level: str) -> HttpResponse:
    if level not in CaseLevel.values:
        raise NotFoundOrForbidden()
    row = next(r for r in caseload_weight_rows() if r.level == level)
    if request.method != "POST":
        form = WeightForm(initial={"weight": row.weight})
    else:
        form = WeightForm(request.POST)
        if form.is_valid():
            try:
                saved = caseload_weight_change(
                    actor=request.user,
                    level=level,
                    weight=form.cleaned_data["weight"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(
                    request, f"A case at {row.label.lower()} now weighs {saved.weight.normalize():f}."
                )
                return redirect("casework:settings")
    return render(request, "casework/settings/weight.html", {"form": form, "row": row})
