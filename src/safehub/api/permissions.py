"""What a request may do: the acting user's role capability, narrowed by the key's scopes (R18, R24).

Each view declares, per HTTP method, the capability its users need (`required_capabilities`) and
the scope a key needs (`required_scopes`); `None` means "any authenticated user" or "any valid
key". A handler a view does not declare is refused, so nothing opens by accident (deny by default).
A key acts as its user, so it needs both the user's capability and its own scope.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import ApiKey

_UNDECLARED = object()
# Methods that only describe an endpoint need what GET needs.
_READ_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}


def _needed(mapping: Mapping[str, str | None], method: str) -> Any:
    method = _READ_ALIASES.get(method, method)
    return mapping.get(method, _UNDECLARED)


class ScopedCapabilityPermission(BasePermission):
    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        method = request.method or ""
        if not hasattr(view, method.lower()):
            return True  # the view has no such handler: DRF answers 405 next
        capability = _needed(getattr(view, "required_capabilities", {}), method)
        if capability is _UNDECLARED:
            return False
        if capability is not None and not user.has_capability(capability):
            self.message = "Your role does not allow this."
            return False
        if isinstance(request.auth, ApiKey):
            scope = _needed(getattr(view, "required_scopes", {}), method)
            if scope is _UNDECLARED:
                self.message = "API keys cannot be used for this."
                return False
            if scope is not None and not request.auth.has_scope(scope):
                self.message = f"This API key does not have the {scope} scope."
                return False
        return True
