"""Named, time-bound grants: request, the pending list, approve, refuse, revoke (R22, R26, R17)."""

import uuid
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safehub.accounts.constants import Capability
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ... import selectors, services
from ...models import AccessGrant
from ..decorators import capability_required
from ..forms import ApproveForm, GrantForm, ReasonForm, apply_errors


@capability_required(Capability.MANAGE_GRANTS)
@reauthentication_required
def grant_request(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    record = selectors.restriction_detail(actor=request.user, object_type=object_type, object_id=object_id)
    if record.restriction is None:
        raise NotFoundOrForbidden()
    form = GrantForm(request.POST or None, candidates=selectors.grant_candidates(actor=request.user))
    if request.method == "POST" and form.is_valid():
        starts_at, expires_at = form.window()
        try:
            grant = services.grant_request(
                actor=request.user,
                restriction=record.restriction,
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
                starts_at=starts_at,
                expires_at=expires_at,
            )
        except PermissionRefused as refusal:
            form.add_error("user", str(refusal))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Access {grant.get_status_display().lower()} for {grant.user}.")
            return redirect("access:restriction_detail", object_type=object_type, object_id=object_id)
    return render(request, "access/grant_form.html", {"record": record, "form": form})


@capability_required(Capability.APPROVE_GRANTS)
def grant_pending_list(request: HttpRequest) -> HttpResponse:
    grants = selectors.grants_pending(actor=request.user)
    return render(request, "access/grant_pending_list.html", {"grants": grants})


@capability_required(Capability.APPROVE_GRANTS)
@reauthentication_required
def grant_approve(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    return _decide(
        request,
        grant_id,
        form_class=ApproveForm,
        act=lambda actor, grant, data: services.grant_approve(actor=actor, grant=grant, notes=data["notes"]),
        heading="Approve access to a sealed record",
        button="Approve access",
        done="Access approved.",
    )


@capability_required(Capability.APPROVE_GRANTS)
def grant_refuse(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    return _decide(
        request,
        grant_id,
        form_class=ReasonForm,
        act=lambda actor, grant, data: services.grant_refuse(actor=actor, grant=grant, notes=data["reason"]),
        heading="Refuse a request for access",
        button="Refuse access",
        done="Request refused.",
    )


@capability_required(Capability.MANAGE_GRANTS)
def grant_revoke(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    return _decide(
        request,
        grant_id,
        form_class=ReasonForm,
        act=lambda actor, grant, data: services.grant_revoke(actor=actor, grant=grant, reason=data["reason"]),
        heading="Revoke access",
        button="Revoke access",
        done="Access revoked.",
    )


def _decide(
    request: HttpRequest,
    grant_id: uuid.UUID,
    *,
    form_class: Any,
    act: Any,
    heading: str,
    button: str,
    done: str,
) -> HttpResponse:
    grant: AccessGrant = selectors.grant_get(actor=request.user, id=grant_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(request.user, grant, form.cleaned_data)
        except PermissionRefused as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            restriction = grant.restriction
            return redirect(
                "access:restriction_detail",
                object_type=restriction.object_type,
                object_id=restriction.object_id,
            )
    context = {"grant": grant, "form": form, "heading": heading, "button": button}
    return render(request, "access/grant_decision.html", context)
