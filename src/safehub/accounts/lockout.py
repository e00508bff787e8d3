"""How django-axes identifies a login attempt, and what a locked-out person is shown (R9, R10)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """allauth authenticates with `email`; its form posts it as `login`. Lower-case both so that
    `Jo@x` and `jo@x` count against the same lockout."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or request.POST.get("login", "")
    return str(value).strip().lower()


def lockout_response(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    # The same page whether or not the account exists, so lockout does not confirm a username.
    return render(request, "accounts/locked_out.html", status=429)
