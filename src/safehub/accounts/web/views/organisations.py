"""Agency and team administration, and team membership."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safehub.platform.errors import ConflictError

from ... import selectors
from ...services import (
    agency_create,
    agency_update,
    team_add_member,
    team_create,
    team_remove_member,
    team_update,
)
from ..forms import AgencyEditForm, AgencyForm, MemberAddForm, ReasonForm, TeamEditForm, TeamForm
from ..mixins import manage_users_required, step_up_on_post_required, step_up_required
from ._helpers import add_errors, conflict_message, conflict_rows, rebind_with_version


def _fields(form: Any) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@manage_users_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/agency_list.html", {"agencies": selectors.agency_list(actor=request.user)}
    )


@manage_users_required
@require_http_methods(["GET", "POST"])
def agency_create_view(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            agency_create(actor=request.user, **_fields(form))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Agency added.")
            return redirect("accounts:agency_list")
    return render(request, "accounts/agency_form.html", {"form": form, "agency": None})


@manage_users_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.user
    agency = selectors.agency_get(actor=actor, id=pk)
    conflict = None
    if request.method != "POST":
        form = AgencyEditForm(instance=agency, initial={"version": agency.version})
    else:
        form = AgencyEditForm(request.POST, instance=agency)
        if form.is_valid():
            try:
                agency_update(
                    actor=actor, agency=agency, expected_version=form.cleaned_data["version"], **_fields(form)
                )
            except ConflictError as error:
                fresh = selectors.agency_get(actor=actor, id=pk)
                form = rebind_with_version(
                    AgencyEditForm, request.POST, error.current_version, instance=fresh
                )
                form.add_error(None, conflict_message(error))
                conflict = conflict_rows(error)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Changes saved.")
                return redirect("accounts:agency_list")
    return render(
        request, "accounts/agency_form.html", {"form": form, "agency": agency, "conflict": conflict}
    )


@manage_users_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/team_list.html", {"teams": selectors.team_list(actor=request.user)})


@manage_users_required
@require_http_methods(["GET", "POST"])
def team_create_view(request: HttpRequest) -> HttpResponse:
    form = TeamForm(
        request.POST or None,
        initial={"is_active": True},
        agencies=selectors.open_agencies(actor=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create(actor=request.user, **_fields(form))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Team added.")
            return redirect("accounts:team_detail", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": None})


@manage_users_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, id=pk)
    kwargs = {"agencies": selectors.agency_list(actor=actor)}
    conflict = None
    if request.method != "POST":
        form = TeamEditForm(instance=team, initial={"version": team.version}, **kwargs)
    else:
        form = TeamEditForm(request.POST, instance=team, **kwargs)
        if form.is_valid():
            try:
                team_update(
                    actor=actor, team=team, expected_version=form.cleaned_data["version"], **_fields(form)
                )
            except ConflictError as error:
                fresh = selectors.team_get(actor=actor, id=pk)
                form = rebind_with_version(
                    TeamEditForm, request.POST, error.current_version, instance=fresh, **kwargs
                )
                form.add_error(None, conflict_message(error))
                conflict = conflict_rows(error)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Changes saved.")
                return redirect("accounts:team_detail", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": team, "conflict": conflict})


def _team_page(request: HttpRequest, team: Any, form: MemberAddForm, status: int = 200) -> HttpResponse:
    return render(request, "accounts/team_detail.html", {"team": team, "form": form}, status=status)


@manage_users_required
@require_GET
def team_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _team_page(request, selectors.team_get(actor=request.user, id=pk), MemberAddForm())


@step_up_on_post_required
@require_POST
def team_member_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, id=pk)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        user = selectors.user_by_email(actor=actor, email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", "No active user has this email address")
        else:
            try:
                team_add_member(actor=actor, team=team, user=user, is_manager=form.cleaned_data["is_manager"])
            except ValidationError as error:
                for messages_ in error.message_dict.values():
                    form.add_error("email", messages_)
            else:
                messages.success(request, f"{user} added to {team.name}.")
                return redirect("accounts:team_detail", pk=team.pk)
    return _team_page(request, selectors.team_get(actor=actor, id=pk), form)


@step_up_required
@require_http_methods(["GET", "POST"])
def team_member_remove(request: HttpRequest, pk: uuid.UUID, user_pk: uuid.UUID) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, id=pk)
    user = selectors.user_get(actor=actor, id=user_pk)
    form = ReasonForm(request.POST or None, reason_required=False)
    if request.method == "POST" and form.is_valid():
        try:
            team_remove_member(actor=actor, team=team, user=user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{user} removed from {team.name}.")
            return redirect("accounts:team_detail", pk=team.pk)
    return render(request, "accounts/team_member_remove.html", {"form": form, "team": team, "subject": user})
