"""Looked-after reviews, regulation 28 visits and health records (issue 6, items 2 and 3).

Each page is one form under a period of care. The period is loaded through the care policy for the
action the service needs (a forbidden or missing period is the same 404, R19) and the read is
audited as one view of the period (R27). On success the worker goes back to the period page.
Nothing new is recorded under a period that has ended: its links are hidden (review_sections), a
form opened anyway goes back to the period with the reason, and one posted shows the reason unsaved.
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError, PermissionRefused
from safehub.platform.web.permissions import capability_required

from ..models import LookedAfterPeriod
from ..selectors.care_record import care_period_get
from ..services import _rules
from ..services.health import conviction_record, health_check_record, sdq_record, substance_misuse_record
from ..services.review import review_record, visit_record
from .review_forms import (
    CHAIR_CAPABILITIES,
    ConvictionForm,
    HealthCheckForm,
    ReviewForm,
    SdqForm,
    ServiceErrorsForm,
    SubstanceMisuseForm,
    VisitForm,
)

View = Callable[..., HttpResponseBase]
FORM_TEMPLATE = "looked_after/review/form.html"


def review_required(view: View) -> View:
    """Login, then CHAIR_CONFERENCES or MANAGE_CASES (the IRO or a manager records a review), else 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not any(user.has_capability(c) for c in CHAIR_CAPABILITIES):
            raise PermissionDenied("Needs capability chair_conferences or manage_cases")
        try:
            return view(request, *args, **kwargs)
        except PermissionRefused as exc:
            raise PermissionDenied(str(exc)) from exc

    wrapped.required_capability = Capability.CHAIR_CONFERENCES  # type: ignore[attr-defined]
    wrapped.required_capabilities = CHAIR_CAPABILITIES  # type: ignore[attr-defined]
    return wrapped


def period_url(period: LookedAfterPeriod) -> str:
    """The period page ("looked_after:period", helper "periods"); its path while that route is unwired."""
    try:
        return reverse("looked_after:period", args=[period.pk])
    except NoReverseMatch:
        return f"/care/{period.pk}/"


def conflict_message(error: ConflictError) -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at is not None:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
    return (
        f"This record was changed by {who}{when} after you opened it. "
        "Check the period of care, then save again."
    )


def closed_reason(period: LookedAfterPeriod) -> str:
    """Why nothing more may be recorded under `period` ("" while it is open), in the services' words."""
    errors: _rules.Errors = {}
    _rules.check_open(errors, period)
    return " ".join(message for messages in errors.values() for message in messages)


def _form_page(
    request: HttpRequest,
    id: uuid.UUID,
    *,
    action: str,
    section: str,
    form_class: type[ServiceErrorsForm],
    call: Callable[[Any, LookedAfterPeriod, dict[str, Any]], Any],
    title: str,
    button: str,
    done: str,
    template: str = FORM_TEMPLATE,
    initial: Callable[[LookedAfterPeriod], dict[str, Any]] | None = None,
) -> HttpResponse:
    """GET shows the form; POST runs the service and goes back to the period, or shows the errors."""
    actor: Any = request.user
    period = care_period_get(actor=actor, id=id, action=action, section=section)
    closed = closed_reason(period)
    if request.method == "POST":
        form = form_class(request.POST)
        if closed:
            form.add_error(None, closed)
        elif form.is_valid():
            try:
                call(actor, period, form.cleaned_data)
            except ConflictError as error:
                form.show_conflict(error, conflict_message(error))
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, done)
                return redirect(period_url(period))
    elif closed:
        # Only a stale link leads here: back to the period, which says why.
        messages.info(request, closed)
        return redirect(period_url(period))
    else:
        form = form_class(initial=initial(period) if initial else None)
    context = {
        "period": period,
        "person": period.person,
        "form": form,
        "title": title,
        "button": button,
        "back_url": period_url(period),
    }
    return render(request, template, context)


@review_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _form_page(
        request,
        id,
        action="review",
        section="la_review_new",
        form_class=ReviewForm,
        call=lambda actor, period, data: review_record(
            actor=actor,
            period=period,
            held_on=data["held_on"],
            participation=data["participation"],
            chair=data["chair"],
            summary=data["summary"],
            expected_version=data["version"],
        ),
        title="Record a looked-after review",
        button="Save the review",
        done="Review recorded.",
        initial=lambda period: {"chair": period.iro_id, "version": period.version},
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _form_page(
        request,
        id,
        action="record",
        section="la_visit_new",
        form_class=VisitForm,
        call=lambda actor, period, data: visit_record(
            actor=actor,
            period=period,
            visited_on=data["visited_on"],
            child_seen=data["child_seen"],
            seen_alone=data["seen_alone"],
            bedroom_seen=data["bedroom_seen"],
            summary=data["summary"],
        ),
        title="Record a visit to the child in placement",
        button="Save the visit",
        done="Visit recorded.",
        template="looked_after/review/visit.html",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def health_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _form_page(
        request,
        id,
        action="record",
        section="la_health_new",
        form_class=HealthCheckForm,
        call=lambda actor, period, data: health_check_record(
            actor=actor, period=period, kind=data["kind"], done_on=data["done_on"], notes=data["notes"]
        ),
        title="Record a health assessment or check",
        button="Save",
        done="Health record saved.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def sdq_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _form_page(
        request,
        id,
        action="record",
        section="la_sdq_new",
        form_class=SdqForm,
        call=lambda actor, period, data: sdq_record(
            actor=actor,
            period=period,
            recorded_on=data["recorded_on"],
            score=data["score"],
            reason=data["reason"],
        ),
        title="Record a strengths and difficulties questionnaire",
        button="Save the score",
        done="Strengths and difficulties score recorded.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def substance_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _form_page(
        request,
        id,
        action="record",
        section="la_substance_new",
        form_class=SubstanceMisuseForm,
        call=lambda actor, period, data: substance_misuse_record(
            actor=actor,
            period=period,
            identified_on=data["identified_on"],
            intervention_offered=data["intervention_offered"],
            intervention_received=data["intervention_received"],
            notes=data["notes"],
        ),
        title="Record substance misuse",
        button="Save",
        done="Substance misuse recorded.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def conviction_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _form_page(
        request,
        id,
        action="record",
        section="la_conviction_new",
        form_class=ConvictionForm,
        call=lambda actor, period, data: conviction_record(
            actor=actor, period=period, convicted_on=data["convicted_on"], notes=data["notes"]
        ),
        title="Record a conviction, final warning or reprimand",
        button="Save",
        done="Conviction recorded.",
    )
