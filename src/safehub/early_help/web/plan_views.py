"""The family plan: starting it with its goals, adding a goal, and reviewing it with a score for
each goal still being worked on (issue 9, item 4; ADR 0007 §5)."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.web.permissions import capability_required

from ..clocks import episode_plan
from ..constants import GoalStatus
from ..models import EarlyHelpEpisode
from ..selectors import episode_get
from ..services.plan import NewGoal, goal_add, plan_review_record, plan_start
from . import presenters
from .forms import add_service_errors
from .plan_forms import GoalForm, PlanStartForm, ReviewForm, add_row_errors

NO_PLAN = "The family has no plan yet: start the plan, with its goals, before reviewing it."


def _render(request: HttpRequest, episode: EarlyHelpEpisode, template: str, **context: Any) -> HttpResponse:
    return render(request, f"early_help/{template}", {"episode": episode, **context})


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="family_plan")
    form = PlanStartForm(request.POST or None, initial={"started_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        goals, rows = form.goals()
        try:
            plan_start(
                actor=actor,
                episode=episode,
                started_on=form.cleaned_data["started_on"],
                summary=form.cleaned_data["summary"],
                goals=goals,
            )
        except ValidationError as error:
            add_row_errors(form, error, prefix="goal", keys=("area", "description", "baseline"), rows=rows)
        else:
            messages.success(
                request, "The family's plan is started. Its first review is on the episode page."
            )
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "plan/start.html", form=form)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="family_plan")
    plan = episode_plan(episode)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if plan is None:
            form.add_error(None, NO_PLAN)
        else:
            data = form.cleaned_data
            try:
                goal_add(
                    actor=actor,
                    plan=plan,
                    area=data["area"],
                    description=data["description"],
                    baseline=NewGoal(data["area"], data["description"], data["baseline"]).baseline,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Goal added to the family's plan.")
                return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "plan/goal.html", form=form)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """A review scores every open goal. Before a plan exists there is nothing to review, and the
    page says so at the top rather than offering an empty form."""
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="plan_review")
    plan = episode_plan(episode)
    goals = list(plan.goals.filter(status=GoalStatus.OPEN)) if plan is not None else []
    meetings = list(episode.meetings.all())
    form = ReviewForm(
        request.POST or None, goals=goals, meetings=meetings, initial={"reviewed_on": clock.today()}
    )
    if plan is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_review_record(
                actor=actor,
                plan=plan,
                reviewed_on=data["reviewed_on"],
                scores=form.scores(),
                summary=data["summary"],
                family_views=data["family_views"],
                meeting=data["meeting"],
                achieved=data["achieved"],
            )
        except ValidationError as error:
            form.add_review_errors(error)
        else:
            messages.success(request, "Plan review recorded. The next review is due from today.")
            return redirect("early_help:episode", id=episode.pk)
    context = {
        "form": form,
        "plan": plan,
        "no_plan": NO_PLAN if plan is None else "",
        "plan_started": presenters.format_date(plan.started_on) if plan is not None else "",
    }
    return _render(request, episode, "plan/review.html", **context)
