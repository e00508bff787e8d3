"""The theme taxonomy pages (the partnership's managers) and the themes-across-reviews view
(the partnership and performance analysts; labels and counts only) (issue 10, item 4).

A theme is retired, never deleted: past reviews keep it (ADR 0008 §7).
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
from safehub.platform.web.permissions import capability_required

from ..selectors.themes import (
    RECURRING_REVIEWS,
    REPORT_CAPABILITIES,
    theme_get,
    theme_reviews,
    themes_across_reviews,
    themes_for_management,
)
from ..services.themes import theme_add, theme_retire, theme_update
from .theme_forms import RetireThemeForm, ThemeForm, add_service_errors

MANAGE = Capability.MANAGE_LEARNING


def _posted(request: HttpRequest) -> Any:
    # The retire form has no fields, so an empty POST must still bind it (`request.POST or None`
    # would not).
    return request.POST if request.method == "POST" else None


@capability_required(REPORT_CAPABILITIES)
@require_GET
def themes(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    table = themes_across_reviews(actor=actor, today=clock.today())
    context = {
        "table": table,
        "recurring_reviews": RECURRING_REVIEWS,
        "may_manage": actor.has_capability(MANAGE),
    }
    return render(request, "learning/themes/across_reviews.html", context)


@capability_required(REPORT_CAPABILITIES)
@require_GET
def theme_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    year_given = request.GET.get("year", "")
    year = int(year_given) if year_given.isdigit() and len(year_given) == 4 else None
    detail = theme_reviews(actor=request.user, id=id, today=clock.today(), year=year)
    return render(request, "learning/themes/theme_reviews.html", {"detail": detail})


@capability_required(MANAGE)
@require_GET
def theme_manage(request: HttpRequest) -> HttpResponse:
    active, retired = themes_for_management(actor=request.user)
    return render(request, "learning/themes/manage.html", {"active": active, "retired": retired})


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def theme_new(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = ThemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            theme = theme_add(
                actor=actor, name=form.cleaned_data["name"], description=form.cleaned_data["description"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme “{theme.name}” added.")
            return redirect("learning_reports:theme_manage")
    return render(request, "learning/themes/edit.html", {"form": form, "theme": None})


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    theme = theme_get(actor=actor, id=id, active=True)
    initial = {"name": theme.name, "description": theme.description}
    form = ThemeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            theme = theme_update(
                actor=actor,
                theme=theme,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme “{theme.name}” saved.")
            return redirect("learning_reports:theme_manage")
    return render(request, "learning/themes/edit.html", {"form": form, "theme": theme})


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def theme_retire_view(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    theme = theme_get(actor=actor, id=id, active=True)
    form = RetireThemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            theme_retire(actor=actor, theme=theme)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme “{theme.name}” retired. Past reviews keep it.")
            return redirect("learning_reports:theme_manage")
    return render(request, "learning/themes/retire.html", {"form": form, "theme": theme})
