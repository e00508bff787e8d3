"""The pages that move a family through the front door (issue 9, items 1 and 5; ADR 0007 §6):
the early help team's inbox (requests for support, step-downs, MASH handovers) and taking each
on, a step-up to the front door, and a social worker's step-down request.

They live in the front door, above both early help and children's social care, because they call
the front door's services and read a referral (HOUSE.md: never sideways between siblings). Their
templates, forms and presenters are early help's own page parts, reused rather than copied: the
pages are early help's, only their wiring goes through the front door.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.child_protection.selectors import referral_get
from safehub.early_help.selectors import episode_get, steps_down_waiting, support_requests_waiting
from safehub.early_help.web import presenters
from safehub.early_help.web.forms import add_service_errors, early_help_teams
from safehub.early_help.web.request_forms import (
    HandoverAcceptForm,
    StepDownAcceptForm,
    StepDownRequestForm,
    StepUpForm,
)
from safehub.front_door.constants import ConcernCategory, ConsentStatus, HandoverService, HandoverStatus
from safehub.front_door.selectors.early_help import step_down_get
from safehub.front_door.selectors.handovers import handover_get, handovers_waiting
from safehub.front_door.services.early_help import (
    handover_accept_as_episode,
    step_down_accept,
    step_down_request,
    step_up,
)
from safehub.front_door.services.handover import HandoverAlreadyPickedUp
from safehub.front_door.services.handover_intake import handover_children, handover_hidden_people
from safehub.platform.web.permissions import capability_required

HIDDEN = "A child whose record you may not open"


def _children_named(actor: Any, handover: Any) -> list[str]:
    """The handover's children as the MASH recorded them; a child the reader may not open is
    never named (R22)."""
    children = handover_children(handover)
    hidden = handover_hidden_people(actor, children)
    return [HIDDEN if s.person_id in hidden else s.described_name for s in children]


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_GET
def request_inbox(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    requests = [
        {
            "request": r,
            "child": f"{r.child_first_name} {r.child_last_name}",
            "submitted_on": presenters.format_date(r.submitted_on),
        }
        for r in support_requests_waiting(actor=actor)
    ]
    steps = [
        {"step": s, "child": str(s.person), "requested_on": presenters.format_date(s.requested_on)}
        for s in steps_down_waiting(actor=actor)
    ]
    handovers = [
        {"handover": h, "children": _children_named(actor, h), "reference": h.contact.reference}
        for h in handovers_waiting(actor=actor, service=HandoverService.EARLY_HELP)
    ]
    context = {"requests": requests, "steps": steps, "handovers": handovers}
    return render(request, "early_help/requests/inbox.html", context)


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def handover_accept(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    handover = handover_get(actor=actor, id=id)
    waiting = handover.status == HandoverStatus.WAITING and handover.service == HandoverService.EARLY_HELP
    form = HandoverAcceptForm(request.POST or None, initial={"reason": handover.contact.summary[:2000]})
    form.set_teams(early_help_teams())
    if request.method == "POST" and waiting and form.is_valid():
        data = form.cleaned_data
        try:
            episode = handover_accept_as_episode(
                actor=actor,
                handover=handover,
                team=data["team_obj"],
                family_name=data["family_name"],
                reason=data["reason"],
                worker=data["worker_obj"],
            )
        except HandoverAlreadyPickedUp:
            form.add_error(None, "This handover has already been picked up by someone else.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Early help opened for {episode.family_name}.")
            return redirect("early_help:episode", id=episode.pk)
    context = {
        "form": form,
        "handover": handover,
        "waiting": waiting,
        "children": _children_named(actor, handover),
    }
    return render(request, "early_help/steps/handover_accept.html", context)


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def step_down_take(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    step = step_down_get(actor=actor, id=id)
    form = StepDownAcceptForm(
        request.POST or None, initial={"family_name": f"the {step.person.family_name} family"}
    )
    form.set_teams(early_help_teams())
    waiting = step.completed_on is None
    if request.method == "POST" and waiting and form.is_valid():
        data = form.cleaned_data
        try:
            episode = step_down_accept(
                actor=actor,
                step=step,
                team=data["team_obj"],
                family_name=data["family_name"],
                worker=data["worker_obj"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Early help opened for {episode.family_name}.")
            return redirect("early_help:episode", id=episode.pk)
    context = {
        "form": form,
        "step": step,
        "waiting": waiting,
        "requested_on": presenters.format_date(step.requested_on),
    }
    return render(request, "early_help/steps/step_down_accept.html", context)


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def step_down_new(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """A social worker asks early help to take the child on from their referral."""
    actor: Any = request.user
    referral = referral_get(actor=actor, id=referral_id, action="manage", section="step_down")
    form = StepDownRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            step_down_request(actor=actor, referral=referral, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Step-down sent to the early help team.")
            return redirect("child_protection:case", id=referral.pk)
    context = {"form": form, "referral": referral, "child_name": str(referral.person)}
    return render(request, "early_help/steps/step_down_new.html", context)


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def step_up_view(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="manage", section="step_up")
    form = StepUpForm(request.POST or None, concerns=ConcernCategory.choices, consents=ConsentStatus.choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = step_up(
                actor=actor,
                episode=episode,
                reason=data["reason"],
                concerns=data["concerns"],
                consent=data["consent"],
                consent_reason=data["consent_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Stepped up to the front door as contact {contact.reference}, with the early help history.",
            )
            return redirect("early_help:episode", id=episode.pk)
    return render(request, "early_help/steps/step_up.html", {"form": form, "episode": episode})
