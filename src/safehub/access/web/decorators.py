"""Login plus an explicit capability on every access view (R18).

`access` sits below `web`, so it cannot use the shared permission decorator; this small one does
the same job: anonymous users go to sign in, signed-in users without the function get 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def capability_required(*capabilities: str) -> Callable[[View], View]:
    """The user needs at least one of `capabilities`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_capability(c) for c in capabilities):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
