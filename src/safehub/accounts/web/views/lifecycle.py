"""Destructive actions on an account. Each has a confirmation page and needs a fresh
re-authentication (R17); each ends in one audited service call."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ... import selectors
from ...services import user_deactivate, user_end_sessions, user_reactivate, user_reset_mfa
from ..forms import ReasonForm
from ..mixins import step_up_required
from ._helpers import add_errors


@dataclass(frozen=True)
class Action:
    title: str
    explanation: str
    button: str
    done: str
    reason_required: bool
    perform: Callable[..., Any]
    warning: bool = True


def _deactivate(actor: Any, user: Any, reason: str) -> None:
    user_deactivate(actor=actor, user=user, reason=reason)


def _reactivate(actor: Any, user: Any, reason: str) -> None:
    user_reactivate(actor=actor, user=user, reason=reason)


def _end_sessions(actor: Any, user: Any, reason: str) -> None:
    user_end_sessions(actor=actor, user=user)


def _reset_mfa(actor: Any, user: Any, reason: str) -> None:
    user_reset_mfa(actor=actor, user=user, reason=reason)


ACTIONS = {
    "deactivate": Action(
        title="Deactivate account",
        explanation="They will be signed out everywhere at once and cannot sign in again until the account is reactivated.",
        button="Deactivate account",
        done="Account deactivated. All their sessions have ended.",
        reason_required=True,
        perform=_deactivate,
    ),
    "reactivate": Action(
        title="Reactivate account",
        explanation="They will be able to sign in again with their existing password and second factor.",
        button="Reactivate account",
        done="Account reactivated.",
        reason_required=True,
        perform=_reactivate,
        warning=False,
    ),
    "end_sessions": Action(
        title="Sign out everywhere",
        explanation="Every session they have open, on any device, ends now. They can sign in again.",
        button="End all sessions",
        done="All their sessions have ended.",
        reason_required=False,
        perform=_end_sessions,
    ),
    "reset_mfa": Action(
        title="Reset second factors",
        explanation=(
            "Their authenticator app, security keys and recovery codes are removed and they are signed "
            "out. At their next sign-in they must set up a new authenticator. We will email them."
        ),
        button="Reset second factors",
        done="Second factors reset. They must set up a new authenticator when they next sign in.",
        reason_required=True,
        perform=_reset_mfa,
    ),
}


def _confirm(request: HttpRequest, pk: uuid.UUID, name: str) -> HttpResponse:
    action = ACTIONS[name]
    actor = request.user
    user = selectors.user_get(actor=actor, id=pk)
    form = ReasonForm(request.POST or None, reason_required=action.reason_required)
    if request.method == "POST" and form.is_valid():
        try:
            action.perform(actor, user, form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, action.done)
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_confirm.html", {"form": form, "subject": user, "action": action})


@step_up_required
@require_http_methods(["GET", "POST"])
def user_deactivate_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _confirm(request, pk, "deactivate")


@step_up_required
@require_http_methods(["GET", "POST"])
def user_reactivate_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _confirm(request, pk, "reactivate")


@step_up_required
@require_http_methods(["GET", "POST"])
def user_end_sessions_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _confirm(request, pk, "end_sessions")


@step_up_required
@require_http_methods(["GET", "POST"])
def user_reset_mfa_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _confirm(request, pk, "reset_mfa")
