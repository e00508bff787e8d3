"""Deny by default (R18): every staff view names the one capability it needs.

Anonymous people are sent to sign in; a signed-in person whose role lacks the capability gets a
403 page. A service that refuses with `PermissionRefused` (a function-level check deeper down)
also ends as a 403, so views do not need their own try/except for it.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from safehub.platform.errors import PermissionRefused

View = Callable[..., HttpResponseBase]


def _refusal(request: HttpRequest, capability: str | tuple[str, ...]) -> HttpResponseBase | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    wanted = (capability,) if isinstance(capability, str) else capability
    if not any(user.has_capability(c) for c in wanted):
        raise PermissionDenied(f"Needs capability {' or '.join(wanted)}")
    return None


def capability_required(capability: str | tuple[str, ...]) -> Callable[[View], View]:
    """Decorate a function view: login required, then `capability` (or any one of a tuple of
    them, for a page two services share, such as My tasks) required."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refused = _refusal(request, capability)
            if refused is not None:
                return refused
            try:
                return view(request, *args, **kwargs)
            except PermissionRefused as exc:
                raise PermissionDenied(str(exc)) from exc

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator


class CapabilityRequiredMixin:
    """Class-based views: set `required_capability`; checked before any handler runs."""

    required_capability: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.required_capability:
            raise ImproperlyConfigured(f"{type(self).__name__} must set required_capability.")
        refused = _refusal(request, self.required_capability)
        if refused is not None:
            return refused
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except PermissionRefused as exc:
            raise PermissionDenied(str(exc)) from exc


def login_required_for_all(view: View) -> View:
    """For pages every signed-in role may use (home, session status): login, no capability."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.required_capability = None  # type: ignore[attr-defined]
    return wrapped
