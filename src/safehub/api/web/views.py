"""API key administration for system administrators (R18, R24, R26).

A new key's token is shown once, in the response to the POST that made it: it is not put in the
session or a message, so it is never stored anywhere after that page is gone.
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import PermissionRefused

from ..constants import KeyStatus
from ..selectors import api_key_get, api_key_list, key_acting_users, key_agencies
from ..services import api_key_create, api_key_revoke
from .forms import ApiKeyCreateForm

View = Callable[..., HttpResponse]


def manage_keys_required(view: View) -> View:
    """Login, then the MANAGE_API_KEYS capability; a refusal deeper down is a 403 too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_capability(Capability.MANAGE_API_KEYS):  # type: ignore[union-attr]
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except PermissionRefused as exc:
            raise PermissionDenied from exc

    guarded = login_required(wrapped)
    guarded.required_capability = Capability.MANAGE_API_KEYS  # type: ignore[attr-defined]
    return guarded


@require_GET
@manage_keys_required
def key_list(request: HttpRequest) -> HttpResponse:
    keys = api_key_list(actor=request.user)
    return render(request, "api/keys/list.html", {"keys": keys, "active": KeyStatus.ACTIVE})


def _form(request: HttpRequest, data: Any = None) -> ApiKeyCreateForm:
    return ApiKeyCreateForm(
        data,
        agencies=key_agencies(actor=request.user),
        users=key_acting_users(actor=request.user),
    )


@require_http_methods(["GET", "POST"])
@manage_keys_required
def key_create(request: HttpRequest) -> HttpResponse:
    form = _form(request, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            key, token = api_key_create(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return render(request, "api/keys/created.html", {"key": key, "token": token})
    return render(request, "api/keys/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@manage_keys_required
def key_revoke(request: HttpRequest, key_id: uuid.UUID) -> HttpResponse:
    key = api_key_get(actor=request.user, id=key_id)
    if request.method == "POST":
        key = api_key_revoke(actor=request.user, key=key)
        messages.success(request, f"The key {key.prefix} ({key.name}) is revoked. It no longer works.")
        return redirect("api_keys:list")
    return render(request, "api/keys/revoke.html", {"key": key})
