"""Request-wide security: request context for audit, headers, session timeouts, mandatory MFA."""

import hashlib
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from safehub.platform import context

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """The client address, trusting X-Forwarded-For only as far as the configured proxy count."""
    proxies = getattr(settings, "SAFEHUB_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Bind request id, client IP and a hash of the session key for the audit trail (R27)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.bind(
            context.RequestContext(request_id=request_id, ip=client_ip(request), channel="web")
        )
        request._safehub_context_token = token  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


def bind_session(request: HttpRequest) -> None:
    """Re-bind the context once the session is known (the key itself is a credential: hash it)."""
    key = getattr(getattr(request, "session", None), "session_key", None) or ""
    current = context.current()
    context.bind(
        context.RequestContext(
            request_id=current.request_id,
            ip=current.ip,
            session_hash=hashlib.sha256(key.encode()).hexdigest() if key else "",
            channel="api" if request.path.startswith("/api/") else "web",
        )
    )


class SecurityHeadersMiddleware:
    """R2 and R38 headers that Django's own middleware does not set."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.SAFEHUB_PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or not request.path.startswith(settings.STATIC_URL):
            # Nothing a signed-in person sees may be kept by the browser or a proxy (R38, T13).
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        if request.method == "POST" and response.status_code in (302, 303) and _is_logout(request):
            # Signing out also wipes whatever the browser kept for this origin (R38).
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


def _is_logout(request: HttpRequest) -> bool:
    return request.path == reverse("account_logout")


# Paths a signed-in person may reach without the activity clock moving: the timeout warning's
# status poll, and CSP reports the browser sends by itself.
_PASSIVE_PATHS = ("/session/status/", "/csp-report/")


class SessionTimeoutMiddleware:
    """Idle timeout (default 30 min) and absolute lifetime (default 10 h) (R14).

    The page warns before the idle limit and lets the user extend (WCAG 2.2.1); see
    web/static/web/session-timeout.js and web/views/session.py.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bind_session(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("safehub_started", now)
            last = session.get("safehub_last_activity", now)
            idle_limit = settings.SAFEHUB_SESSION_IDLE_SECONDS
            absolute_limit = settings.SAFEHUB_SESSION_ABSOLUTE_SECONDS
            if now - last > idle_limit or now - started > absolute_limit:
                reason = "idle" if now - last > idle_limit else "absolute"
                logout(request)
                if request.path in _PASSIVE_PATHS:
                    # The timeout warning's poll: say why, so the sign-in page can explain.
                    return JsonResponse({"signed_in": False, "reason": reason}, status=401)
                if request.path.startswith("/api/"):
                    # The API's one error format (docs/how-to/use-the-api.md), built here because
                    # web and api are sibling layers.
                    error = {
                        "status": 401,
                        "code": "not_authenticated",
                        "message": "Your session has ended. Sign in again.",
                        "request_id": getattr(request, "request_id", ""),
                    }
                    return JsonResponse({"error": error}, status=401)
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=401)
                return redirect(f"{reverse('account_login')}?timeout={reason}")
            if request.path not in _PASSIVE_PATHS:
                session["safehub_last_activity"] = now
        response = self.get_response(request)
        bind_session(request)
        return response


# Routes an authenticated person without a second factor may still reach: enrolment itself,
# signing out, static assets, and the session-timeout endpoints (which carry no data, and keep
# the timeout warning working on the enrolment pages) (R7).
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/csp-report/", "/health/", "/session/")


class RequireMFAMiddleware:
    """Every signed-in user must have a second factor before reaching anything else (R7).

    allauth has no enforcement hook of its own, so this sends an un-enrolled user to TOTP set-up.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            from allauth.mfa.models import Authenticator

            types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
            if not types & {Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN}:
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=401)
                return redirect("mfa_activate_totp")
        return self.get_response(request)
