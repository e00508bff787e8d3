"""Error pages in the GOV.UK layout (handler400/403/404/500 in config/urls.py)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger("safehub.web")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "web/errors/500.html", status=500)
    except Exception:
        # Whatever broke the request (often the database) may break the page's context
        # processors too; fall back to the page without per-user context rather than failing.
        logger.exception("500 page rendered without request context")
        return HttpResponse(render_to_string("web/errors/500.html", {}), status=500)
