"""The guard on every administration page (R18).

`accounts` sits below `web` in the layers, so it keeps its own small guard rather than importing
`safehub.web.permissions`; it behaves the same: anonymous -> sign in, no capability -> 403, and a
service's `PermissionRefused` -> 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from safehub.platform.errors import PermissionRefused

from ..constants import Capability

View = Callable[..., HttpResponseBase]


def manage_users_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_capability(Capability.MANAGE_USERS):
            raise PermissionDenied("Needs capability manage_users")
        try:
            return view(request, *args, **kwargs)
        except PermissionRefused as exc:
            raise PermissionDenied(str(exc)) from exc

    wrapped.required_capability = Capability.MANAGE_USERS  # type: ignore[attr-defined]
    return wrapped


def step_up_required(view: View) -> View:
    """Destructive and bulk actions need a fresh re-authentication (R17), on the confirmation page
    and on the action itself. The capability check comes first, so a refused role sees a 403,
    never a re-authentication prompt."""
    return manage_users_required(reauthentication_required(view))


def step_up_on_post_required(view: View) -> View:
    """Changes that grant access (a role, an agency, a team) need a fresh re-authentication when
    submitted (R17); the form itself may be opened without one. allauth keeps the submitted form
    while the person confirms their identity and then completes it."""
    return manage_users_required(reauthentication_required(view, allow_get=True))
