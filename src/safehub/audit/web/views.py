"""Audit pages: "who has accessed this record", the IG event search and the chain check.

`audit` sits below `web`, so capabilities are checked here directly (R18) rather than through the
web layer's decorator. Objects a manager may not see are a 404 (R19).
"""

import uuid

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability

from .. import selectors
from ..services import verify_audit_chain
from .forms import EventFilterForm


def _require(request: HttpRequest, capability: str) -> None:
    if not request.user.has_capability(capability):  # type: ignore[union-attr]
        raise PermissionDenied


def _type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


@require_GET
@login_required
def access_log(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    _require(request, Capability.VIEW_ACCESS_LOG)
    log = selectors.access_log_for(
        actor=request.user, object_type=object_type, object_id=object_id, page=request.GET.get("page")
    )
    context = {
        "log": log,
        "object_type": object_type,
        "object_type_label": _type_label(object_type),
        "object_id": object_id,
    }
    return render(request, "audit/access_log.html", context)


@require_GET
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.VIEW_AUDIT)
    form = EventFilterForm(request.GET or None)
    log = None
    if form.is_bound and form.is_valid():
        log = selectors.event_list(actor=request.user, filters=form.filters(), page=request.GET.get("page"))
    elif not form.is_bound:
        log = selectors.event_list(actor=request.user, filters=selectors.EventFilters(), page=1)
    return render(request, "audit/event_list.html", {"form": form, "log": log})


@require_GET
@login_required
def chain_status(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.VIEW_AUDIT)
    return render(request, "audit/chain_status.html", {"report": verify_audit_chain()})
