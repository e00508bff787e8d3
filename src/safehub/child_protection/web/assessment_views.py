"""The child and family assessment: start, update, complete, then the manager authorises it or
sends it back (issue 5, item 1). The assessment is reached through its referral's policy (R19).
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

from ..constants import FACTOR_LIST
from ..models import Assessment
from ..selectors import assessment_get, referral_get
from ..services.assessment import (
    assessment_authorise,
    assessment_complete,
    assessment_return,
    assessment_start,
    assessment_update,
)
from . import presenters
from .forms import (
    AssessmentAuthoriseForm,
    AssessmentCompleteForm,
    AssessmentEditForm,
    AssessmentReturnForm,
    AssessmentStartForm,
    add_service_errors,
    show_conflict,
)


def _context(assessment: Assessment | None, referral: Any, **extra: Any) -> dict[str, Any]:
    context = {
        "assessment": assessment,
        "referral": referral,
        "child_name": presenters.child_name(referral.person),
        "referral_date": presenters.format_date(referral.referral_date),
    }
    if assessment is not None:
        context |= {
            "started_on": presenters.format_date(assessment.started_on),
            "due_on": presenters.format_date(assessment.due_on),
        }
    return context | extra


def _conflict(error: ConflictError) -> str:
    return presenters.conflict_message(error, "This assessment")


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="record", section="assessment_start")
    form = AssessmentStartForm(request.POST or None, initial={"started_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment_start(actor=actor, referral=referral, started_on=form.cleaned_data["started_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Assessment started. It is due 45 working days from the referral.")
            return redirect("child_protection:case", id=referral.pk)
    return render(request, "child_protection/assessment/start.html", _context(None, referral, form=form))


def _factor_initial(assessment: Assessment) -> dict[str, Any]:
    return {
        "child_seen_on": assessment.child_seen_on,
        "factors": list(assessment.factors or []),
        "summary": assessment.summary,
        "version": assessment.version,
    }


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    assessment = assessment_get(actor=actor, id=id, action="record", section="assessment_edit")
    if request.method != "POST":
        form = AssessmentEditForm(initial=_factor_initial(assessment))
    else:
        form = AssessmentEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment_update(
                    actor=actor,
                    assessment=assessment,
                    expected_version=data["version"],
                    child_seen_on=data["child_seen_on"],
                    factors=data["factors"],
                    summary=data["summary"],
                )
            except ConflictError as error:
                show_conflict(form, error, _conflict(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Assessment saved.")
                return redirect("child_protection:case", id=assessment.referral_id)
    return render(
        request, "child_protection/assessment/edit.html", _context(assessment, assessment.referral, form=form)
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    assessment = assessment_get(actor=actor, id=id, action="record", section="assessment_complete")
    if request.method != "POST":
        initial = _factor_initial(assessment) | {
            "completed_on": assessment.completed_on or clock.today(),
            "outcome": assessment.outcome,
        }
        form = AssessmentCompleteForm(initial=initial)
    else:
        form = AssessmentCompleteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment_complete(
                    actor=actor,
                    assessment=assessment,
                    expected_version=data["version"],
                    completed_on=data["completed_on"],
                    outcome=data["outcome"],
                    factors=data["factors"],
                    child_seen_on=data["child_seen_on"],
                    summary=data["summary"],
                )
            except ConflictError as error:
                show_conflict(form, error, _conflict(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Assessment completed and sent to your manager to authorise.")
                return redirect("child_protection:case", id=assessment.referral_id)
    return render(
        request,
        "child_protection/assessment/complete.html",
        _context(assessment, assessment.referral, form=form),
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def authorise(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """Two forms on one page: authorise (with a date), or return to the worker with a reason."""
    actor: Any = request.user
    assessment = assessment_get(actor=actor, id=id, action="manage", section="assessment_authorise")
    initial = {"version": assessment.version}
    authorise_form = AssessmentAuthoriseForm(
        initial=initial | {"authorised_on": clock.today()}, prefix="authorise"
    )
    return_form = AssessmentReturnForm(initial=initial, prefix="return")
    if request.method == "POST":
        if "return" in request.POST.get("action", ""):
            return_form = AssessmentReturnForm(request.POST, prefix="return")
            if return_form.is_valid():
                try:
                    assessment_return(
                        actor=actor,
                        assessment=assessment,
                        expected_version=return_form.cleaned_data["version"],
                        reason=return_form.cleaned_data["reason"],
                    )
                except ConflictError as error:
                    show_conflict(return_form, error, _conflict(error))
                except ValidationError as error:
                    add_service_errors(return_form, error)
                else:
                    messages.success(request, "Assessment returned to the worker.")
                    return redirect("child_protection:case", id=assessment.referral_id)
        else:
            authorise_form = AssessmentAuthoriseForm(request.POST, prefix="authorise")
            if authorise_form.is_valid():
                try:
                    assessment_authorise(
                        actor=actor,
                        assessment=assessment,
                        expected_version=authorise_form.cleaned_data["version"],
                        authorised_on=authorise_form.cleaned_data["authorised_on"],
                    )
                except ConflictError as error:
                    show_conflict(authorise_form, error, _conflict(error))
                except ValidationError as error:
                    add_service_errors(authorise_form, error)
                else:
                    messages.success(request, "Assessment authorised.")
                    return redirect("child_protection:case", id=assessment.referral_id)
    factors = presenters.Labels(FACTOR_LIST)
    context = _context(
        assessment,
        assessment.referral,
        authorise_form=authorise_form,
        return_form=return_form,
        # The page title says "Error:" when either form has one.
        form=authorise_form if authorise_form.errors else return_form,
        factors=factors.many(assessment.factors or []),
        completed_on=presenters.format_date(assessment.completed_on),
        child_seen_on=presenters.format_date(assessment.child_seen_on) or "Not recorded",
    )
    return render(request, "child_protection/assessment/authorise.html", context)
