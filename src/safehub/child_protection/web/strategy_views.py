"""The strategy discussion (with its attendees) and completing the section 47 enquiry it started
(issue 5, item 1; Working Together 2023: police, health and children's social care at least).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import Section47Outcome, StrategyDecision
from ..selectors import referral_get, section47_get
from ..services.strategy import AttendeeInput, section47_complete, strategy_discussion_record
from . import presenters
from .forms import (
    AttendeeFormSet,
    Section47CompleteForm,
    StrategyForm,
    add_service_errors,
    show_conflict,
)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def strategy_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="record", section="strategy_new")
    attendee_errors: list[str] = []
    if request.method != "POST":
        form = StrategyForm(initial={"held_on": clock.today()})
        attendees = AttendeeFormSet(prefix="attendee")
    else:
        form = StrategyForm(request.POST)
        attendees = AttendeeFormSet(request.POST, prefix="attendee")
        # Both validated, so every problem shows at once.
        form_ok, attendees_ok = form.is_valid(), attendees.is_valid()
        if form_ok and attendees_ok:
            data = form.cleaned_data
            rows = [AttendeeInput(**row) for row in attendees.attendee_rows()]
            try:
                strategy_discussion_record(
                    actor=actor,
                    referral=referral,
                    held_on=data["held_on"],
                    decision=data["decision"],
                    rationale=data["rationale"],
                    attendees=rows,
                )
            except ValidationError as error:
                # The attendee rules name no row field: they show at the attendees fieldset.
                by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                attendee_errors = by_field.pop("attendees", [])
                if by_field:
                    add_service_errors(form, ValidationError(by_field))
            else:
                message = "Strategy discussion recorded."
                if data["decision"] == StrategyDecision.SECTION_47:
                    message += " A section 47 enquiry has started; the initial conference is due within 15 working days."
                messages.success(request, message)
                return redirect("child_protection:case", id=referral.pk)
    context = {
        "form": form,
        "attendees": attendees,
        "attendee_errors": attendee_errors,
        "referral": referral,
        "child_name": presenters.child_name(referral.person),
        "referral_date": presenters.format_date(referral.referral_date),
    }
    return render(request, "child_protection/strategy/new.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def section47_complete_view(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    enquiry = section47_get(actor=actor, id=id, action="record", section="section47_complete")
    if request.method != "POST":
        form = Section47CompleteForm(
            initial={
                "completed_on": enquiry.completed_on or clock.today(),
                "outcome": enquiry.outcome,
                "summary": enquiry.summary,
                "version": enquiry.version,
            }
        )
    else:
        form = Section47CompleteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                section47_complete(
                    actor=actor,
                    enquiry=enquiry,
                    expected_version=data["version"],
                    completed_on=data["completed_on"],
                    outcome=data["outcome"],
                    summary=data["summary"],
                )
            except ConflictError as error:
                show_conflict(form, error, presenters.conflict_message(error, "This enquiry"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                message = "Section 47 enquiry completed."
                if data["outcome"] == Section47Outcome.CONFERENCE:
                    message += " The initial child protection conference is waiting to be scheduled."
                messages.success(request, message)
                return redirect("child_protection:case", id=enquiry.referral_id)
    context = {
        "form": form,
        "enquiry": enquiry,
        "referral": enquiry.referral,
        "child_name": presenters.child_name(enquiry.referral.person),
        "started_on": presenters.format_date(enquiry.started_on),
        "icpc_due_on": presenters.format_date(enquiry.icpc_due_on),
    }
    return render(request, "child_protection/strategy/section47_complete.html", context)
