"""Serious incidents (issue 10, item 1): the list, recording a notification from the child's
record, the incident page, recording the notification to the national panel and starting the
rapid review.

The incident is the one learning record that names the child, so every page reads it through
`incident_get`, which starts from the incident policy: anyone but the partnership's managers and
the manager who recorded it gets the 404 of an incident that does not exist (R18, R19).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.selectors import person_get
from safehub.platform import clock
from safehub.platform.errors import ConflictError, NotFoundOrForbidden
from safehub.platform.web.permissions import capability_required

from ..constants import ReviewKind, ReviewStatus
from ..policies import incident_policy, review_policy
from ..selectors.incidents import incident_get, incident_list
from ..services.incidents import incident_notify, incident_record
from ..services.reviews import rapid_review_start
from . import presenters
from .forms import (
    IncidentForm,
    NotifyForm,
    RapidReviewStartForm,
    active_agencies,
    add_service_errors,
    show_conflict,
)

C = Capability
INCIDENT_ROLES = (C.MANAGE_LEARNING, C.NOTIFY_INCIDENTS)


def _row(incident: Any, today: Any) -> dict[str, Any]:
    return {
        "incident": incident,
        "due": presenters.format_date(incident.notify_due_on),
        "tag": presenters.due_tag(incident.notify_due_on, today, done=incident.notified_on is not None),
        "reviews": list(incident.reviews.all()),
    }


@capability_required(INCIDENT_ROLES)
@require_GET
def incident_list_view(request: HttpRequest) -> HttpResponse:
    """By reference only: the child's name is on the incident's own page (ADR 0008 §2)."""
    actor: Any = request.user
    today = clock.today()
    rows = [_row(i, today) for i in incident_list(actor=actor, section="incident_list")]
    return render(request, "learning/incidents/list.html", {"rows": rows})


def _child(actor: Any, raw: str | None) -> Any:
    """The child the notification is about, read from their record through the people policy."""
    try:
        return person_get(actor=actor, id=uuid.UUID(raw or ""), purpose="serious_incident")
    except ValueError:
        raise NotFoundOrForbidden() from None


@capability_required(C.NOTIFY_INCIDENTS)
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """Started from the child's record (`?person=<id>`): the partnership cannot search people."""
    actor: Any = request.user
    child = _child(actor, request.GET.get("person"))
    form = IncidentForm(request.POST or None, agencies=active_agencies())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_record(
                actor=actor,
                child=child,
                kind=data["kind"],
                incident_on=data["incident_on"],
                aware_on=data["aware_on"],
                summary=data["summary"],
                agencies=data["agencies"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Serious incident {incident.reference} is recorded. "
                f"Notify the national panel by {presenters.format_date(incident.notify_due_on)}.",
            )
            return redirect("learning:incident", id=incident.pk)
    return render(request, "learning/incidents/new.html", {"form": form, "child": child})


@capability_required(INCIDENT_ROLES)
@require_GET
def incident(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = incident_get(actor=actor, id=id, section="incident")
    today = clock.today()
    reviews = list(found.reviews.all())
    links: dict[str, str] = {}
    if incident_policy.can(actor, "manage", found):
        if found.notified_on is None:
            links["notify"] = reverse("learning:incident_notify", args=[found.pk])
        if not any(r.kind == ReviewKind.RAPID for r in reviews) and actor.has_capability(C.MANAGE_LEARNING):
            links["rapid"] = reverse("learning:rapid_review_start", args=[found.pk])
    context = {
        "incident": found,
        "row": _row(found, today),
        "reviews": [
            {
                "review": r,
                "due": presenters.format_date(r.due_on),
                "tag": presenters.due_tag(r.due_on, today, done=r.status != ReviewStatus.IN_PROGRESS),
                "visible": review_policy.can(actor, "view", r),
            }
            for r in reviews
        ],
        "links": links,
    }
    return render(request, "learning/incidents/incident.html", context)


@capability_required(INCIDENT_ROLES)
@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = incident_get(actor=actor, id=id, action="manage", section="incident_notify")
    if request.method != "POST":
        form = NotifyForm(initial={"version": found.version, "notified_on": clock.today()})
    else:
        form = NotifyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident_notify(
                    actor=actor,
                    incident=found,
                    expected_version=data["version"],
                    notified_on=data["notified_on"],
                    panel_reference=data["panel_reference"],
                )
            except ConflictError as error:
                show_conflict(form, error, presenters.conflict_message(error, "This incident"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"The notification of {found.reference} to the national panel is recorded."
                )
                return redirect("learning:incident", id=found.pk)
    return render(request, "learning/incidents/notify.html", {"form": form, "incident": found})


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def rapid_review_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = incident_get(actor=actor, id=id, action="manage", section="rapid_review_start")
    if request.method != "POST":
        form = RapidReviewStartForm(initial={"started_on": clock.today()})
    else:
        form = RapidReviewStartForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = rapid_review_start(
                    actor=actor,
                    incident=found,
                    subject_label=data["subject_label"],
                    title=data["title"],
                    started_on=data["started_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"The rapid review of {review.subject_label} has started. "
                    f"It is due by {presenters.format_date(review.due_on)}.",
                )
                return redirect("learning:review", id=review.pk)
    return render(request, "learning/incidents/rapid_review.html", {"form": form, "incident": found})
