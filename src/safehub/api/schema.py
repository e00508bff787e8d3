"""OpenAPI description: security schemes for our authentication, and the error format on every
operation, so a client generator knows that every non-2xx answer is an `ErrorResponse`."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .serializers.errors import ErrorResponseSerializer

_ERROR_DESCRIPTIONS = {
    "400": "The request body is not valid; `error.fields` says which fields and why.",
    "401": "No credentials, or the API key is wrong, expired or revoked.",
    "403": "The role or the key's scopes do not allow this, or the session has no second factor.",
    "404": "No such record, or you may not see it (the two are indistinguishable).",
    "409": "Someone saved the record after you read it; `error.conflict` says who and when.",
    "500": "An unexpected failure; nothing was changed and no data was returned.",
}


class SafehubAutoSchema(AutoSchema):
    """Adds the error responses each operation can give, all described by `ErrorResponse`."""

    def _error_codes(self) -> list[str]:
        codes = ["401", "403"]
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        if self.method in {"PUT", "PATCH"}:
            codes.append("409")
        codes.append("500")
        return sorted(codes)

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        # drf-spectacular assumes PATCH makes every field optional (DRF's partial=True). Our PATCH
        # serializers are not partial: they say themselves what is optional, and `version` is
        # required. Describe them as they are.
        if self.method != "PATCH":
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorResponseSerializer, code, direction=direction)
                response["description"] = _ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "safehub.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "shk_<prefix>_<secret>",
            "description": "A key made by a system administrator, sent as `Authorization: Bearer <key>`. "
            "It acts as its system user and is limited to its scopes.",
        }


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "safehub.api.authentication.MFASessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A signed-in staff session with a second factor; unsafe methods need the CSRF token.",
        }
