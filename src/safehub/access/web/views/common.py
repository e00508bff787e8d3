"""Small helpers shared by the access views."""

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str = "web:home") -> str:
    """`?next=` only when it is a path on this site; anything else goes to `fallback` (open redirect)."""
    candidate = request.GET.get("next", "")
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None, require_https=request.is_secure())
    ):
        return candidate
    return resolve_url(fallback)
