"""Service navigation by role: each entry names the capability it needs."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from safehub.accounts.constants import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_ITEMS: list[tuple[str, str, str | None]] = [
    ("Home", "web:home", None),
    ("Users and teams", "accounts:user_list", Capability.MANAGE_USERS),
    ("Calendar", "platform:closure_list", Capability.MANAGE_CALENDAR),
    ("Emergency access reviews", "access:break_glass_queue", Capability.REVIEW_BREAK_GLASS),
    ("Audit", "audit:event_list", Capability.VIEW_AUDIT),
]


def navigation_for(user: Any, path: str) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, name, capability in _ITEMS:
        if capability is None or user.has_capability(capability):
            url = reverse(name)
            active = path == url if url == "/" else path.startswith(url)
            items.append(NavItem(label, url, active))
    return items
