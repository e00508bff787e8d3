"""The early help assessment (start, update, complete) and the family's consent (issue 9, item 2).

The assessment in hand is the episode's open one: one runs at a time, so its pages are reached
through the episode and its policy (R19), never by an id of their own.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import MemberRole
from ..models import EarlyHelpAssessment, EarlyHelpEpisode
from ..selectors import episode_get
from ..services.assessment import assessment_complete, assessment_start, assessment_update
from ..services.consent import consent_record
from . import presenters
from .forms import (
    AssessmentCompleteForm,
    AssessmentEditForm,
    AssessmentStartForm,
    ConsentForm,
    add_service_errors,
    show_conflict,
)


def _render(request: HttpRequest, episode: EarlyHelpEpisode, template: str, **context: Any) -> HttpResponse:
    return render(request, f"early_help/{template}", {"episode": episode, **context})


def _open_assessment(episode: EarlyHelpEpisode) -> EarlyHelpAssessment:
    """The assessment running now; none running is a page that does not exist."""
    running = next((a for a in episode.assessments.all() if a.completed_on is None), None)
    if running is None:
        raise Http404("No assessment is running")
    return running


def _conflict(form: Any, error: ConflictError) -> None:
    show_conflict(form, error, presenters.conflict_message(error, "This assessment"))


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="assessment_start")
    form = AssessmentStartForm(request.POST or None, initial={"started_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment_start(actor=actor, episode=episode, started_on=form.cleaned_data["started_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Early help assessment started.")
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "assessment/start.html", form=form)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="assessment_edit")
    assessment = _open_assessment(episode)
    if request.method != "POST":
        form = AssessmentEditForm(
            initial={
                "strengths": assessment.strengths,
                "needs": list(assessment.needs or []),
                "needs_summary": assessment.needs_summary,
                "family_views": assessment.family_views,
                "child_views": assessment.child_views,
                "version": assessment.version,
            }
        )
    else:
        form = AssessmentEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment_update(
                    actor=actor,
                    assessment=assessment,
                    expected_version=data["version"],
                    strengths=data["strengths"],
                    needs=data["needs"],
                    needs_summary=data["needs_summary"],
                    family_views=data["family_views"],
                    child_views=data["child_views"],
                )
            except ConflictError as error:
                _conflict(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Assessment saved.")
                return redirect("early_help:episode", id=episode.pk)
    return _render(
        request,
        episode,
        "assessment/edit.html",
        form=form,
        started_on=presenters.format_date(assessment.started_on),
    )


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="assessment_complete")
    assessment = _open_assessment(episode)
    if request.method != "POST":
        form = AssessmentCompleteForm(initial={"version": assessment.version, "completed_on": clock.today()})
    else:
        form = AssessmentCompleteForm(request.POST)
        if form.is_valid():
            try:
                assessment_complete(
                    actor=actor,
                    assessment=assessment,
                    expected_version=form.cleaned_data["version"],
                    completed_on=form.cleaned_data["completed_on"],
                )
            except ConflictError as error:
                _conflict(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Assessment completed.")
                return redirect("early_help:episode", id=episode.pk)
    return _render(
        request,
        episode,
        "assessment/complete.html",
        form=form,
        assessment=assessment,
        started_on=presenters.format_date(assessment.started_on),
        edit_url_needed=not assessment.needs or not assessment.family_views.strip(),
    )


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="consent")
    people = [m.person for m in episode.members.all() if m.role != MemberRole.CHILD] + [
        m.person for m in episode.members.all() if m.role == MemberRole.CHILD
    ]
    form = ConsentForm(request.POST or None, people=people, initial={"recorded_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                actor=actor,
                episode=episode,
                state=data["state"],
                recorded_on=data["recorded_on"],
                given_by=data["given_by"],
                scope=data["scope"],
                next_steps=data["next_steps"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The family's consent is recorded.")
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "assessment/consent.html", form=form)
