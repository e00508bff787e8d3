"""The early help dashboard (issue 9, item 6): counts of families, never a child (R22)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability
from safehub.platform.web.permissions import capability_required

from ..constants import StepDirection
from ..selectors import caseload, early_help_dashboard


@capability_required(Capability.VIEW_EARLY_HELP_DASHBOARD)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    figures = early_help_dashboard(actor=actor)
    steps = [(StepDirection(direction).label, row) for direction, row in figures.steps.items()]
    # Caseloads name the workers, so they are for those who may see the episodes themselves.
    loads = caseload(actor=actor) if actor.has_capability(Capability.VIEW_EARLY_HELP) else []
    context = {"figures": figures, "steps": steps, "caseloads": loads}
    return render(request, "early_help/dashboard/dashboard.html", context)
