"""Recording a referral directly, changing its details, and closing the case (issue 5, item 1).

Changing and closing carry the version the user read; a save over someone else's change is
refused with who changed it and when (R49).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.selectors import person_get
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..selectors import referral_get
from ..services.referral import referral_close, referral_create, referral_update
from . import presenters
from .forms import ReferralCloseForm, ReferralEditForm, ReferralForm, add_service_errors, show_conflict


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = person_get(actor=actor, id=person_id)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_create(
                actor=actor,
                person=person,
                referral_date=data["referral_date"],
                source=data["source"],
                primary_need=data["primary_need"],
                summary=data["summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Referral recorded for {presenters.child_name(person)}.")
            return redirect("child_protection:case", id=referral.pk)
    context = {
        "form": form,
        "person": person,
        "child_name": presenters.child_name(person),
        "child_born": presenters.child_born(person),
    }
    return render(request, "child_protection/referral/new.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="record", section="referral_edit")
    if request.method != "POST":
        form = ReferralEditForm(
            initial={
                "source": referral.source,
                "primary_need": referral.primary_need,
                "summary": referral.summary,
                "version": referral.version,
            }
        )
    else:
        form = ReferralEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral_update(
                    actor=actor,
                    referral=referral,
                    expected_version=data["version"],
                    source=data["source"],
                    primary_need=data["primary_need"],
                    summary=data["summary"],
                )
            except ConflictError as error:
                show_conflict(form, error, presenters.conflict_message(error, "This referral"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Referral details saved.")
                return redirect("child_protection:case", id=referral.pk)
    return render(request, "child_protection/referral/edit.html", _context(referral, form))


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def referral_close_view(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="manage", section="referral_close")
    if request.method != "POST":
        form = ReferralCloseForm(initial={"version": referral.version})
    else:
        form = ReferralCloseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral_close(
                    actor=actor,
                    referral=referral,
                    expected_version=data["version"],
                    closed_on=data["closed_on"],
                    reason=data["reason"],
                    nfa=data["nfa"],
                )
            except ConflictError as error:
                show_conflict(form, error, presenters.conflict_message(error, "This referral"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The case is closed. Its open tasks were closed with it.")
                return redirect("child_protection:case", id=referral.pk)
    return render(request, "child_protection/referral/close.html", _context(referral, form))


def _context(referral: Any, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "referral": referral,
        "child_name": presenters.child_name(referral.person),
        "referral_date": presenters.format_date(referral.referral_date),
    }
