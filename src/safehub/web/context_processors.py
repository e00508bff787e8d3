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
        "service_navigation": navigation_for(user, request.path) if _may_navigate(request) else [],
        "session_idle_seconds": settings.SAFEHUB_SESSION_IDLE_SECONDS,
        "session_warning_seconds": settings.SAFEHUB_SESSION_WARNING_SECONDS,
        "session_absolute_seconds": settings.SAFEHUB_SESSION_ABSOLUTE_SECONDS,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def _may_navigate(request: HttpRequest) -> bool:
    """Whether to offer the service navigation: not before the second factor is set up.

    Outside /accounts/ the MFA middleware has already sent an un-enrolled user to enrolment; on
    the account pages themselves, links into the service would only bounce back there.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not request.path.startswith("/accounts/"):
        return True
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
