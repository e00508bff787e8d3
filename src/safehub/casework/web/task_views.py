"""Task lists: the worker's own, the team's, a personal task on a case, and the compliance view
(issue 5, item 2). Clock tasks close themselves when what they ask for is recorded; only a
personal task is ticked off here.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..selectors.involvements import involvement_get
from ..selectors.tasks import (
    DUE_FILTERS,
    task_counts_for_team,
    task_counts_for_worker,
    task_get,
    tasks_for_team,
    tasks_for_worker,
    team_compliance,
    team_for_manager,
    team_members,
    teams_for_manager,
)
from ..services.tasks import task_complete, task_create
from ..timescales import add_months
from .forms import PeriodForm, TaskDoneForm, TaskFilterForm, TaskForm


def _put_errors(form: Any, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    for name, msgs in error.message_dict.items():
        name = (rename or {}).get(name, name)
        form.add_error(name if name in form.fields else None, msgs)


# Early help practitioners hold families too, and their clocks are tasks (issue 9). Partner
# professionals (record_early_help without manage) hold no involvements, so have no task list.
@capability_required((Capability.RECORD_CASEWORK, Capability.MANAGE_EARLY_HELP))
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    due = request.GET.get("due", "")
    if due not in DUE_FILTERS:
        due = ""
    context = {
        "tasks": tasks_for_worker(actor=actor, due=due),
        "counts": task_counts_for_worker(actor=actor),
        "due": due,
    }
    return render(request, "casework/tasks/mine.html", context)


@capability_required(Capability.MANAGE_CASES)
@require_GET
def team_tasks(request: HttpRequest) -> HttpResponse:
    """The manager's first team's list; a page that says so if they are in no team."""
    teams = teams_for_manager(actor=request.user)
    if teams:
        return redirect("casework:team_tasks_for", team_id=teams[0].pk)
    return render(request, "casework/tasks/no_team.html", {"heading": "Team tasks"})


@capability_required(Capability.MANAGE_CASES)
@require_GET
def team_tasks_for(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    team = team_for_manager(actor=actor, team_id=team_id)
    workers = team_members(team=team)
    form = TaskFilterForm(request.GET or None, workers=workers)
    filters = form.filters()
    context = {
        "team": team,
        "teams": teams_for_manager(actor=actor),
        "form": form,
        "filtered": any(filters.values()),
        "tasks": tasks_for_team(
            actor=actor, team_id=team.pk, due=filters["due"], worker_id=filters["worker"] or None
        ),
        "counts": task_counts_for_team(actor=actor, team_id=team.pk, worker_id=filters["worker"] or None),
    }
    return render(request, "casework/tasks/team.html", context)


@capability_required(Capability.MANAGE_CASES)
@require_GET
def compliance(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    form = PeriodForm(request.GET or None)
    months = form.months_back()
    since = add_months(clock.today(), -months)
    report = team_compliance(actor=actor, team_id=team_id, since=since)
    context = {
        "report": report,
        "team": report.team,
        "teams": teams_for_manager(actor=actor),
        "form": form,
        "months": months,
    }
    return render(request, "casework/tasks/compliance.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    involvement = involvement_get(actor=actor, id=id, action="record")
    if request.method != "POST":
        form = TaskForm()
    else:
        form = TaskForm(request.POST)
        if form.is_valid():
            try:
                task = task_create(
                    actor=actor,
                    involvement=involvement,
                    title=form.cleaned_data["title"],
                    due_on=form.cleaned_data["due_on"],
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, f"Task added: {task.title}, due {task.due_on:%-d %B %Y}.")
                return redirect(involvement.url or "casework:my_tasks")
    cancel = involvement.url or None
    return render(
        request, "casework/tasks/new.html", {"form": form, "involvement": involvement, "cancel_url": cancel}
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_POST
def task_done(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    task = task_get(actor=actor, id=id, action="record")
    form = TaskDoneForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    if not form.is_valid():
        messages.error(request, "The task could not be marked done. Try again.")
    else:
        try:
            task_complete(actor=actor, task=task, expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            who = error.changed_by or "another user"
            messages.error(
                request,
                f"{task.title} was changed by {who} after you opened the list. Check it and try again.",
            )
        except ValidationError as error:
            messages.error(request, " ".join(m for msgs in error.message_dict.values() for m in msgs))
        else:
            messages.success(request, f"Done: {task.title}.")
    return redirect(target or "casework:my_tasks")
