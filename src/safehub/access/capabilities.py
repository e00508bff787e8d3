"""Function-level checks for the access app's own services and selectors (R18, R26)."""

from typing import Any

from safehub.platform.errors import PermissionRefused


class SeparationOfDuties(PermissionRefused):
    """The actor holds the capability but is a party to the decision (R26)."""


def require(actor: Any, *capabilities: str) -> None:
    """Refuse unless `actor` is active and holds at least one of `capabilities`."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionRefused("Sign in first.")
    if not any(actor.has_capability(c) for c in capabilities):
        raise PermissionRefused("Your role does not allow this.")
