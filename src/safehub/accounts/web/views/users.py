"""User administration pages: list, create, detail, edit. URLs carry UUIDs only (R4)."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.platform.errors import ConflictError

from ... import selectors
from ...services import user_create, user_update
from ..forms import UserCreateForm, UserEditForm, UserFilterForm
from ..mixins import manage_users_required, step_up_on_post_required
from ._helpers import add_errors, conflict_message, conflict_rows, rebind_with_version

PAGE_SIZE = 50


def _filters(form: UserFilterForm) -> selectors.UserFilters:
    if not form.is_valid():
        return selectors.UserFilters()
    data = form.cleaned_data
    active = {"yes": True, "no": False}.get(data["active"])
    return selectors.UserFilters(
        role=data["role"],
        agency=data["agency"].pk if data["agency"] else None,
        team=data["team"].pk if data["team"] else None,
        active=active,
    )


@manage_users_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = UserFilterForm(
        request.GET or None,
        agencies=selectors.agency_list(actor=actor),
        teams=selectors.team_list(actor=actor),
    )
    users = selectors.user_list(actor=actor, filters=_filters(form))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "accounts/user_list.html", context)


@step_up_on_post_required
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = UserCreateForm(
        request.POST or None,
        agencies=selectors.open_agencies(actor=actor),
        teams=selectors.open_teams(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(
                actor=actor,
                teams=form.cleaned_data["teams"],
                site_url=request.build_absolute_uri("/"),
                **form.user_fields(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"Account created. We have emailed {user.email} a link to choose a password."
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": None})


@manage_users_required
@require_GET
def user_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor=actor, id=pk)
    context = {
        "subject": user,
        "memberships": selectors.user_memberships(actor=actor, user=user),
        "security": selectors.user_security_summary(actor=actor, user=user),
        "is_self": user.pk == actor.pk,
    }
    return render(request, "accounts/user_detail.html", context)


@step_up_on_post_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor=actor, id=pk)
    kwargs: dict[str, Any] = {
        "agencies": selectors.agency_list(actor=actor),
        "editing_self": user.pk == actor.pk,
    }
    conflict = None
    if request.method != "POST":
        form = UserEditForm(instance=user, initial={"version": user.version}, **kwargs)
    else:
        form = UserEditForm(request.POST, instance=user, **kwargs)
        if form.is_valid():
            try:
                user_update(
                    actor=actor,
                    user=user,
                    expected_version=form.cleaned_data["version"],
                    **form.user_fields(),
                )
            except ConflictError as error:
                fresh = selectors.user_get(actor=actor, id=pk)
                form = rebind_with_version(
                    UserEditForm, request.POST, error.current_version, instance=fresh, **kwargs
                )
                form.add_error(None, conflict_message(error))
                conflict = conflict_rows(error)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Changes saved.")
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": user, "conflict": conflict})
