"""What every page's shell needs: council name, phase, navigation for the user's role."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "council_name": settings.SAFEHUB_COUNCIL_NAME,
        "service_phase": settings.SAFEHUB_PHASE,
        "service_navigation": navigation_for(user, request.path) if user is not None else [],
        "session_idle_seconds": settings.SAFEHUB_SESSION_IDLE_SECONDS,
        "session_warning_seconds": settings.SAFEHUB_SESSION_WARNING_SECONDS,
        "session_absolute_seconds": settings.SAFEHUB_SESSION_ABSOLUTE_SECONDS,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
