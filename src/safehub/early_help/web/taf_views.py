"""The Team Around the Family: members joining and leaving, meetings with attendance and the
actions agreed, and progress on actions (issue 9, item 3).

A member or an action is found among its own episode's rows, after the episode was read through
the policy: an id from another family answers 404 like one that does not exist (R19).
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

from ..clocks import episode_plan
from ..constants import ActionStatus, GoalStatus
from ..models import EarlyHelpEpisode
from ..selectors import episode_get
from ..services.actions import action_add, action_update
from ..services.taf import meeting_record, taf_member_add, taf_member_leave
from . import presenters
from .forms import ActionForm, ActionUpdateForm, LeaveForm, TafMemberForm, add_service_errors, show_conflict
from .plan_forms import MeetingForm, add_row_errors


def _render(request: HttpRequest, episode: EarlyHelpEpisode, template: str, **context: Any) -> HttpResponse:
    return render(request, f"early_help/{template}", {"episode": episode, **context})


def _current_members(episode: EarlyHelpEpisode) -> list[Any]:
    return [m for m in episode.taf_members.all() if m.left_on is None]


def _open_goals(episode: EarlyHelpEpisode) -> list[Any]:
    plan = episode_plan(episode)
    return list(plan.goals.filter(status=GoalStatus.OPEN)) if plan is not None else []


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="taf_member")
    form = TafMemberForm(request.POST or None, initial={"joined_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = taf_member_add(
                actor=actor,
                episode=episode,
                agency=data["agency"],
                role=data["role"],
                user=data["email"],
                name=data["name"],
                job_title=data["job_title"],
                joined_on=data["joined_on"],
            )
        except ValidationError as error:
            # The service says "user" for the account; the form asks for it by email.
            if hasattr(error, "error_dict") and "user" in error.error_dict:
                error.error_dict["email"] = error.error_dict.pop("user")
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} joined the team around the family.")
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "taf/member_add.html", form=form)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, id: uuid.UUID, member_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="taf_member")
    member = next((m for m in episode.taf_members.all() if m.pk == member_id), None)
    if member is None:
        raise Http404("No such member of this family's team")
    form = LeaveForm(request.POST or None, initial={"left_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            taf_member_leave(actor=actor, member=member, left_on=form.cleaned_data["left_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} left the team around the family.")
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "taf/member_leave.html", form=form, member=member)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="taf_meeting")
    members = _current_members(episode)
    form = MeetingForm(
        request.POST or None, members=members, initial={"held_on": clock.today(), "family_attended": True}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions, rows = form.actions()
        try:
            meeting_record(
                actor=actor,
                episode=episode,
                kind=data["kind"],
                held_on=data["held_on"],
                attendance=form.attendance(),
                family_attended=data["family_attended"],
                notes=data["notes"],
                actions=actions,
            )
        except ValidationError as error:
            add_row_errors(form, error, prefix="action", keys=("description", "owner", "due_on"), rows=rows)
        else:
            messages.success(request, "Meeting recorded.")
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "taf/meeting.html", form=form)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="taf_action")
    form = ActionForm(request.POST or None, members=_current_members(episode), goals=_open_goals(episode))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_add(
                actor=actor,
                episode=episode,
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                goal=data["goal"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect("early_help:episode", id=episode.pk)
    return _render(request, episode, "taf/action_add.html", form=form)


@capability_required(Capability.RECORD_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, id: uuid.UUID, action_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = episode_get(actor=actor, id=id, action="record", section="taf_action")
    action = episode.actions.select_related("owner").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action on this family's plan")
    members = _current_members(episode)
    if request.method != "POST":
        form = ActionUpdateForm(
            members=members,
            initial={
                "version": action.version,
                "status": action.status,
                "completed_on": action.completed_on,
                "progress_note": action.progress_note,
                "owner": str(action.owner_id),
            },
        )
    else:
        form = ActionUpdateForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_update(
                    actor=actor,
                    action=action,
                    expected_version=data["version"],
                    status=data["status"],
                    progress_note=data["progress_note"],
                    completed_on=data["completed_on"],
                    owner=data["owner"]
                    if data["owner"] is not None and data["owner"].pk != action.owner_id
                    else None,
                )
            except ConflictError as error:
                show_conflict(form, error, presenters.conflict_message(error, "This action"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Action saved.")
                return redirect("early_help:episode", id=episode.pk)
    return _render(
        request,
        episode,
        "taf/action_edit.html",
        form=form,
        action=action,
        is_open=action.status == ActionStatus.OPEN,
    )
