"""Reads of access requests: the queue for information governance, and a requester's own list."""

import uuid
from typing import Any

from django.db.models import QuerySet

from safehub.accounts.constants import Capability
from safehub.platform.errors import NotFoundOrForbidden

from ..capabilities import require
from ..models import AccessRequest, AccessRequestStatus


def access_requests_pending(*, actor: Any) -> QuerySet[AccessRequest]:
    """Waiting requests, oldest first, for those who grant access."""
    require(actor, Capability.MANAGE_GRANTS)
    return (
        AccessRequest.objects.filter(status=AccessRequestStatus.PENDING)
        .select_related("requester")
        .order_by("created_at", "id")
    )


def access_request_get(*, actor: Any, id: uuid.UUID) -> AccessRequest:
    require(actor, Capability.MANAGE_GRANTS)
    request = AccessRequest.objects.select_related("requester", "decided_by", "grant").filter(pk=id).first()
    if request is None:
        raise NotFoundOrForbidden()
    return request


def access_requests_mine(*, actor: Any) -> QuerySet[AccessRequest]:
    """The actor's own requests, newest first. The template shows none of the record asked for."""
    if not getattr(actor, "is_authenticated", False):
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(requester=actor).select_related("decided_by").order_by("-created_at")
