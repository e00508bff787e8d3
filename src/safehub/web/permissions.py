"""The deny-by-default guards (R18) live in `safehub.platform.web.permissions`, below every app,
so that each app's own web views (people, front_door …) use the one guard without importing
`safehub.web`, which sits above them."""

from safehub.platform.web.permissions import (
    CapabilityRequiredMixin,
    capability_required,
    login_required_for_all,
)

__all__ = ["CapabilityRequiredMixin", "capability_required", "login_required_for_all"]
