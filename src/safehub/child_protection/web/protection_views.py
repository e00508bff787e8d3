"""Conferences, child protection plans, core groups, child in need plans and visits (issue 5).

Every record here is reached through its referral: the selector loads the conference, plan or CIN
plan, then asks the referral policy whether the actor may act on that referral (a forbidden or
missing one is the same 404, R19), and audits the read as one view of the referral (R27). Forms for versioned records carry the version read; a save on
a stale version shows who changed the record and when, and the current values (R49).
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError, PermissionRefused
from safehub.platform.web.permissions import capability_required

from ..constants import ConferenceKind
from ..models import Conference, Referral
from ..selectors import cin_plan_get, conference_get, cp_plan_get, referral_get
from ..services.conference import conference_cancel as conference_cancel_service
from ..services.conference import conference_record as conference_record_service
from ..services.conference import conference_schedule as conference_schedule_service
from ..services.conference import transfer_in_conference_record
from ..services.plan import (
    cin_plan_end as cin_plan_end_service,
)
from ..services.plan import (
    cin_plan_review_record,
    core_group_record,
    cp_plan_end,
    visit_record,
)
from ..services.plan import (
    cin_plan_start as cin_plan_start_service,
)
from .protection_forms import (
    CHAIR_CAPABILITIES,
    CinPlanEndForm,
    CinPlanReviewForm,
    CinPlanStartForm,
    ConferenceCancelForm,
    ConferenceRecordForm,
    ConferenceScheduleForm,
    CoreGroupForm,
    PlanEndForm,
    TransferInForm,
    VisitForm,
)

View = Callable[..., HttpResponseBase]
FORM_TEMPLATE = "child_protection/protection/form.html"


def chair_required(view: View) -> View:
    """Login, then CHAIR_CONFERENCES or MANAGE_CASES (an IRO or a team manager chairs), else 403.

    `capability_required` takes one capability; conferences are the one place two roles share.
    """

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


# --- shared form handling -------------------------------------------------------------------------


def _when(value: Any) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f" at {local:%H:%M} on {local.day} {local:%B %Y}"


def conflict_message(error: ConflictError, what: str) -> str:
    who = error.changed_by or "another user"
    return (
        f"This {what} was changed by {who}{_when(error.changed_at)} after you opened it. "
        "The form now shows your entries against its current version: check the record, then save again."
    )


def _rebind_on_conflict(
    form_class: Callable[..., Form], request: HttpRequest, error: ConflictError, what: str, **kwargs: Any
) -> Form:
    data = request.POST.copy()
    data["version"] = str(error.current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, conflict_message(error, what))
    return form


def _case(referral: Referral) -> HttpResponse:
    return redirect("child_protection:case", referral.pk)


def _render(
    request: HttpRequest,
    referral: Referral,
    form: Form,
    *,
    title: str,
    button: str,
    intro: str = "",
    template: str = FORM_TEMPLATE,
    **extra: Any,
) -> HttpResponse:
    context = {
        "referral": referral,
        "person": referral.person,
        "form": form,
        "title": title,
        "button": button,
        "intro": intro,
        **extra,
    }
    return render(request, template, context)


def _save(
    form: Any,
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    what: str,
    form_class: Callable[..., Form],
    form_kwargs: dict[str, Any] | None = None,
) -> tuple[bool, Any]:
    """Run the service; on failure return the form to show again with the errors at the fields."""
    try:
        call()
    except ConflictError as error:
        return False, _rebind_on_conflict(form_class, request, error, what, **(form_kwargs or {}))
    except ValidationError as error:
        form.add_service_errors(error)
        return False, form
    return True, form


# --- conferences ----------------------------------------------------------------------------------


@chair_required
@require_http_methods(["GET", "POST"])
def conference_schedule(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    conference = conference_get(actor=actor, id=id, action="chair", section="conference_schedule")
    referral = conference.referral
    if request.method != "POST":
        form = ConferenceScheduleForm(
            initial={
                "scheduled_on": conference.scheduled_on,
                "chair": conference.chair_id,
                "version": conference.version,
            }
        )
    else:
        form = ConferenceScheduleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done, form = _save(
                form,
                request,
                lambda: conference_schedule_service(
                    actor=actor,
                    conference=conference,
                    expected_version=data["version"],
                    scheduled_on=data["scheduled_on"],
                    chair=data["chair"],
                ),
                what="conference",
                form_class=ConferenceScheduleForm,
            )
            if done:
                messages.success(request, f"{conference.get_kind_display()} scheduled.")
                return _case(referral)
    due = f"It is due by {conference.due_on.day} {conference.due_on:%B %Y}." if conference.due_on else ""
    return _render(
        request,
        referral,
        form,
        title=f"Schedule the {_kind_words(conference)}",
        button="Save the date",
        intro=due,
    )


@chair_required
@require_http_methods(["GET", "POST"])
def conference_cancel(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """An initial conference that will not be held (the ICPC clock stops; the reason is kept)."""
    actor: Any = request.user
    conference = conference_get(actor=actor, id=id, action="chair", section="conference_cancel")
    referral = conference.referral
    if request.method != "POST":
        form = ConferenceCancelForm(initial={"version": conference.version})
    else:
        form = ConferenceCancelForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done, form = _save(
                form,
                request,
                lambda: conference_cancel_service(
                    actor=actor,
                    conference=conference,
                    expected_version=data["version"],
                    cancelled_on=data["cancelled_on"],
                    reason=data["reason"],
                ),
                what="conference",
                form_class=ConferenceCancelForm,
            )
            if done:
                messages.success(request, f"The {_kind_words(conference)} will not be held.")
                return _case(referral)
    return _render(
        request,
        referral,
        form,
        title=f"Cancel the {_kind_words(conference)}",
        button="Cancel the conference",
        intro="Use this when the conference will not be held at all. To move it, change its date instead.",
    )


def _kind_words(conference: Conference) -> str:
    label = str(conference.get_kind_display())
    return label[:1].lower() + label[1:]


@chair_required
@require_http_methods(["GET", "POST"])
def conference_record(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    conference = conference_get(actor=actor, id=id, action="chair", section="conference_record")
    referral = conference.referral
    kind = conference.kind
    if request.method != "POST":
        form = ConferenceRecordForm(
            kind=kind,
            initial={
                "held_on": conference.scheduled_on,
                "chair": conference.chair_id,
                "version": conference.version,
            },
        )
    else:
        form = ConferenceRecordForm(request.POST, kind=kind)
        if form.is_valid():
            data = form.cleaned_data
            done, form = _save(
                form,
                request,
                lambda: conference_record_service(
                    actor=actor,
                    conference=conference,
                    expected_version=data["version"],
                    held_on=data["held_on"],
                    decision=data["decision"],
                    category=data["category"],
                    chair=data["chair"],
                    quorate=data["quorate"],
                    summary=data["summary"],
                ),
                what="conference",
                form_class=ConferenceRecordForm,
                form_kwargs={"kind": kind},
            )
            if done:
                messages.success(request, f"{conference.get_kind_display()} recorded.")
                return _case(referral)
    intro = ""
    if kind == ConferenceKind.INITIAL:
        intro = (
            "A decision to make a child protection plan starts the plan on the date held; "
            "an open child in need plan ends that day."
        )
    elif kind == ConferenceKind.REVIEW:
        intro = "If the plan continues, the next review is due six months after this conference."
    return _render(
        request,
        referral,
        form,
        title=f"Record the {_kind_words(conference)}",
        button="Save the outcome",
        intro=intro,
    )


@chair_required
@require_http_methods(["GET", "POST"])
def transfer_in(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="chair", section="transfer_in")
    if request.method != "POST":
        form = TransferInForm()
    else:
        form = TransferInForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done, form = _save(
                form,
                request,
                lambda: transfer_in_conference_record(
                    actor=actor,
                    referral=referral,
                    held_on=data["held_on"],
                    decision=data["decision"],
                    category=data["category"],
                    chair=data["chair"],
                    summary=data["summary"],
                ),
                what="referral",
                form_class=TransferInForm,
            )
            if done:
                messages.success(request, "Transfer-in conference recorded.")
                return _case(referral)
    return _render(
        request,
        referral,
        form,
        title="Record a transfer-in conference",
        button="Save the outcome",
        intro="For a child who moved here while on another council's child protection plan.",
    )


# --- child protection plans -----------------------------------------------------------------------


@chair_required
@require_http_methods(["GET", "POST"])
def plan_end(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    plan = cp_plan_get(actor=actor, id=id, action="chair", section="cp_plan_end")
    referral = plan.referral
    if request.method != "POST":
        form = PlanEndForm(initial={"version": plan.version})
    else:
        form = PlanEndForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done, form = _save(
                form,
                request,
                lambda: cp_plan_end(
                    actor=actor,
                    plan=plan,
                    expected_version=data["version"],
                    ended_on=data["ended_on"],
                    reason=data["reason"],
                ),
                what="plan",
                form_class=PlanEndForm,
            )
            if done:
                messages.success(request, "The child protection plan has ended.")
                return _case(referral)
    return _render(
        request,
        referral,
        form,
        title="End the child protection plan",
        button="End the plan",
        intro=f"The plan started on {plan.started_on.day} {plan.started_on:%B %Y}.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def core_group_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    plan = cp_plan_get(actor=actor, id=id, action="record", section="core_group_new")
    referral = plan.referral
    form = CoreGroupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, form = _save(
            form,
            request,
            lambda: core_group_record(actor=actor, plan=plan, held_on=data["held_on"], notes=data["notes"]),
            what="plan",
            form_class=CoreGroupForm,
        )
        if done:
            messages.success(request, "Core group meeting recorded.")
            return _case(referral)
    return _render(request, referral, form, title="Record a core group meeting", button="Save the meeting")


# --- child in need plans --------------------------------------------------------------------------


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_start(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="record", section="cin_plan_start")
    form = CinPlanStartForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, form = _save(
            form,
            request,
            lambda: cin_plan_start_service(
                actor=actor, referral=referral, started_on=data["started_on"], summary=data["summary"]
            ),
            what="referral",
            form_class=CinPlanStartForm,
        )
        if done:
            messages.success(request, "Child in need plan started.")
            return _case(referral)
    return _render(request, referral, form, title="Start a child in need plan", button="Start the plan")


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_end(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    plan = cin_plan_get(actor=actor, id=id, action="record", section="cin_plan_end")
    referral = plan.referral
    if request.method != "POST":
        form = CinPlanEndForm(initial={"version": plan.version})
    else:
        form = CinPlanEndForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done, form = _save(
                form,
                request,
                lambda: cin_plan_end_service(
                    actor=actor, plan=plan, expected_version=data["version"], ended_on=data["ended_on"]
                ),
                what="plan",
                form_class=CinPlanEndForm,
            )
            if done:
                messages.success(request, "The child in need plan has ended.")
                return _case(referral)
    return _render(
        request,
        referral,
        form,
        title="End the child in need plan",
        button="End the plan",
        intro=f"The plan started on {plan.started_on.day} {plan.started_on:%B %Y}.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def cin_plan_review(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    plan = cin_plan_get(actor=actor, id=id, action="record", section="cin_plan_review")
    referral = plan.referral
    form = CinPlanReviewForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, form = _save(
            form,
            request,
            lambda: cin_plan_review_record(
                actor=actor, plan=plan, held_on=data["held_on"], notes=data["notes"]
            ),
            what="plan",
            form_class=CinPlanReviewForm,
        )
        if done:
            messages.success(request, "Child in need plan review recorded.")
            return _case(referral)
    return _render(
        request, referral, form, title="Record a child in need plan review", button="Save the review"
    )


# --- visits ---------------------------------------------------------------------------------------


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id, action="record", section="visit_new")
    form = VisitForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, form = _save(
            form,
            request,
            lambda: visit_record(
                actor=actor,
                referral=referral,
                kind=data["kind"],
                visited_on=data["visited_on"],
                child_seen=data["child_seen"],
                seen_alone=data["seen_alone"],
                bedroom_seen=data["bedroom_seen"],
                notes=data["notes"],
            ),
            what="referral",
            form_class=VisitForm,
        )
        if done:
            messages.success(request, "Visit recorded.")
            return _case(referral)
    return _render(
        request,
        referral,
        form,
        title="Record a visit",
        button="Save the visit",
        template="child_protection/protection/visit.html",
    )
