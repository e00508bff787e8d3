"""The one error format of the API. Every error response has this body:

    {"error": {"status": 404, "code": "not_found", "message": "...", "request_id": "...",
               "fields": {"family_name": ["..."]},          # validation errors only
               "conflict": {"changed_by": "...", ...}}}     # 409 only

"Missing" and "not allowed to see" give the same 404 body (R19). An unexpected failure is a
500 in the same shape, with nothing of the data that was being read (R28).
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from safehub.platform import context
from safehub.platform.errors import ConflictError, PermissionRefused

logger = logging.getLogger("safehub.api")

VALIDATION_MESSAGE = "There is a problem with the request. The fields that need correcting are listed."
NOT_FOUND_MESSAGE = "Not found."

# DRF's own codes for its exceptions, renamed where ours are clearer.
_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _request_id(request: Any) -> str:
    return getattr(request, "request_id", "") or context.current().request_id


def error_body(*, status_code: int, code: str, message: str, request_id: str, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {
        "status": status_code,
        "code": code,
        "message": message,
        "request_id": request_id,
    }
    error.update({k: v for k, v in extra.items() if v is not None})
    return {"error": error}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "parent.child": [...], "items.0.name": [...]}."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == non_field and prefix:
                name = prefix
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
        return out
    if isinstance(detail, list | tuple):
        if any(isinstance(item, Mapping | list | tuple) for item in detail):
            out = {}
            for index, item in enumerate(detail):
                for field, messages in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(field, []).extend(messages)
            return out
        return {prefix or non_field: [str(item) for item in detail]}
    return {prefix or non_field: [str(detail)]}


def _django_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        return {(non_field if k == NON_FIELD_ERRORS else k): list(v) for k, v in exc.message_dict.items()}
    return {non_field: list(exc.messages)}


def _conflict(exc: ConflictError) -> dict[str, Any]:
    """Who changed the record and when; field names only, never the values (they are personal data)."""
    return {
        "changed_by": exc.changed_by,
        "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
        "current_version": exc.current_version,
        "your_version": exc.expected_version,
        "changed_fields": sorted(str(name) for name in exc.changes),
    }


def exception_handler(exc: Exception, ctx: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: map every exception onto the one error format."""
    request = ctx.get("request")
    request_id = _request_id(request)
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    status_code: int
    code: str
    message: str
    if isinstance(exc, Http404):  # includes NotFoundOrForbidden: one answer for both (R19)
        status_code, code, message = status.HTTP_404_NOT_FOUND, "not_found", NOT_FOUND_MESSAGE
    elif isinstance(exc, PermissionRefused | DjangoPermissionDenied):
        status_code, code = status.HTTP_403_FORBIDDEN, "permission_denied"
        message = "Your role does not allow this."
    elif isinstance(exc, ConflictError):
        status_code, code, message = status.HTTP_409_CONFLICT, "conflict", str(exc)
        extra["conflict"] = _conflict(exc)
    elif isinstance(exc, DjangoValidationError):
        status_code, code, message = status.HTTP_400_BAD_REQUEST, "validation_error", VALIDATION_MESSAGE
        extra["fields"] = _django_fields(exc)
    elif isinstance(exc, exceptions.ValidationError):
        status_code, code, message = status.HTTP_400_BAD_REQUEST, "validation_error", VALIDATION_MESSAGE
        extra["fields"] = _flatten(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        code = _api_code(exc)
        message = str(exc.detail if isinstance(exc.detail, str) else exc.default_detail)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    else:
        # Log the cause; tell the client nothing about it. No data goes out with a 500 (R28).
        logger.error("Unhandled API error (request %s)", request_id, exc_info=exc)
        status_code, code = status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error"
        message = "Something went wrong. Nothing was changed. Quote the request id if you report it."
    set_rollback()
    body = error_body(
        status_code=status_code, code=code, message=str(message), request_id=request_id, **extra
    )
    return Response(body, status=status_code, headers=headers)


def _api_code(exc: exceptions.APIException) -> str:
    for klass in type(exc).__mro__:
        if klass in _CODES:
            return _CODES[klass]
    if isinstance(exc.detail, str) and getattr(exc.detail, "code", None):
        return str(exc.detail.code)  # type: ignore[attr-defined]
    return str(exc.default_code)
