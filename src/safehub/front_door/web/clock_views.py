"""The MASH clock settings (issue 4, item 4): how long each RAG rating, decision and partner
answer may take. Changing one recomputes every open contact's due times (the service does it).

The two reads below belong in a selector (`selectors/clocks.py`, the lead's module); they are
here, private and capability-gated, until it exists. Clock settings hold no personal data.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError, NotFoundOrForbidden
from safehub.platform.web.permissions import capability_required

from .. import clocks
from ..models import ClockSetting
from ..services.clocks import clock_setting_change
from . import presenters
from .contact_forms import ClockSettingForm


def _settings() -> list[ClockSetting]:
    return list(ClockSetting.objects.order_by("key"))


def _setting_get(id: uuid.UUID) -> ClockSetting:
    setting = ClockSetting.objects.filter(pk=id).first()
    if setting is None:
        raise NotFoundOrForbidden()
    return setting


@capability_required(Capability.MANAGE_CLOCKS)
@require_GET
def clock_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "setting": s,
            "label": s.get_key_display(),
            "duration": clocks.describe(s.key, {s.key: (s.amount, s.unit)}),
        }
        for s in _settings()
    ]
    return render(request, "front_door/clocks/list.html", {"rows": rows})


@capability_required(Capability.MANAGE_CLOCKS)
@require_http_methods(["GET", "POST"])
def clock_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    setting = _setting_get(id)
    heading = setting.get_key_display()
    if request.method != "POST":
        form = ClockSettingForm(
            initial={"amount": setting.amount, "unit": setting.unit, "version": setting.version}
        )
    else:
        form = ClockSettingForm(request.POST)
        if form.is_valid():
            try:
                clock_setting_change(
                    actor=actor,
                    setting=setting,
                    amount=form.cleaned_data["amount"],
                    unit=form.cleaned_data["unit"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = ClockSettingForm(data)
                form.is_valid()
                who = error.changed_by or "another user"
                when = f" at {presenters.format_datetime(error.changed_at)}" if error.changed_at else ""
                form.add_error(
                    None,
                    f"This clock was changed by {who}{when} after you opened it. "
                    f"It is now {_setting_get(id)}. Save again to replace it with yours.",
                )
            except ValidationError as error:
                for field, msgs in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                messages.success(request, f"{heading} is now {setting.amount} {setting.get_unit_display()}.")
                return redirect("front_door:clocks")
    return render(
        request, "front_door/clocks/edit.html", {"form": form, "setting": setting, "heading": heading}
    )
