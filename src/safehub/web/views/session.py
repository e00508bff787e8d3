"""The session-timeout warning's server side (R14, WCAG 2.2.1 Timing Adjustable).

`status` is on the middleware's passive list, so polling it never keeps a session alive;
`extend` is an ordinary request, so reaching it at all moves the activity clock.
"""

import math
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


def _remaining(request: HttpRequest) -> dict[str, int]:
    now = time.time()
    session = request.session
    idle = settings.SAFEHUB_SESSION_IDLE_SECONDS - (now - session.get("safehub_last_activity", now))
    absolute = settings.SAFEHUB_SESSION_ABSOLUTE_SECONDS - (now - session.get("safehub_started", now))
    # Rounded up: "0 seconds left" must only ever mean the session is over.
    return {"idle": max(0, math.ceil(idle)), "absolute": max(0, math.ceil(absolute))}


@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_remaining": 0}, status=401)
    left = _remaining(request)
    return JsonResponse(
        {
            "signed_in": True,
            "seconds_remaining": min(left["idle"], left["absolute"]),
            "idle_seconds_remaining": left["idle"],
            "absolute_seconds_remaining": left["absolute"],
            # Past the absolute lifetime no amount of activity helps: the dialog says so.
            "can_extend": left["absolute"] > left["idle"],
            "warning_seconds": settings.SAFEHUB_SESSION_WARNING_SECONDS,
        }
    )


@never_cache
@require_POST
def extend(request: HttpRequest) -> HttpResponse:
    # The timeout middleware has already recorded this request as activity.
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)
