"""Allocation (issue 5, item 4): the cases waiting for a worker, each team's caseloads, and
allocating a case to a team and a worker with the 903 reason when the worker changes.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..selectors.caseloads import caseloads_by_team
from ..selectors.involvements import allocation_teams, involvement_get, involvements_awaiting_allocation
from ..selectors.tasks import teams_for_manager
from ..services.involvement import allocation_change
from .forms import AllocateForm


@capability_required(Capability.MANAGE_CASES)
@require_GET
def allocation(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    teams = teams_for_manager(actor=actor)
    context = {
        "awaiting": involvements_awaiting_allocation(actor=actor),
        "teams": caseloads_by_team(actor=actor, teams=teams),
    }
    return render(request, "casework/allocation/list.html", context)


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    involvement = involvement_get(actor=actor, id=id, action="manage")
    groups = caseloads_by_team(actor=actor, teams=allocation_teams(actor=actor))
    if request.method != "POST":
        mine = teams_for_manager(actor=actor)
        team_id = involvement.team_id or (mine[0].pk if mine else "")
        initial: dict[str, Any] = {
            "team": str(team_id or ""),
            "started_on": clock.today(),
            "version": involvement.version,
        }
        if involvement.team_id and involvement.worker_id:
            initial["worker"] = f"{involvement.team_id}:{involvement.worker_id}"
        form = AllocateForm(initial=initial, teams=groups)
    else:
        form = AllocateForm(request.POST, teams=groups)
        if form.is_valid():
            teams = {str(g.team.pk): g.team for g in groups}
            workers = {str(row.worker.pk): row.worker for g in groups for row in g.rows}
            team = teams.get(form.cleaned_data["team"])
            worker = workers.get(form.cleaned_data["worker_id"])
            try:
                allocation_change(
                    actor=actor,
                    involvement=involvement,
                    team=team,
                    worker=worker,
                    started_on=form.cleaned_data["started_on"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                # Show the allocation as it is now; the manager decides again on that version.
                involvement = involvement_get(actor=actor, id=id, action="manage")
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = AllocateForm(data, teams=groups)
                form.is_valid()
                who = error.changed_by or "another manager"
                form.add_error(
                    None,
                    f"This case was allocated by {who} after you opened this page. "
                    "Check who holds it now, then save again if it should still change.",
                )
            except ValidationError as error:
                for name, msgs in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, msgs)
            else:
                who = worker.full_name if worker is not None else (team.name if team else "")
                messages.success(request, f"{involvement.title} is allocated to {who}.")
                return redirect("casework:allocation")
    context = {"form": form, "involvement": involvement, "groups": groups}
    return render(request, "casework/allocation/allocate.html", context)
