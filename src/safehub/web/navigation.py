"""Service navigation by role: each entry names the capability it needs.

Entries point at routes other apps provide. A route that is not (yet) in the URL tree is left
out rather than breaking every page, so the navigation only ever offers what exists.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from safehub.accounts.constants import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_ITEMS: list[tuple[str, str, str | None]] = [
    ("Home", "web:home", None),
    ("People", "people:search", Capability.VIEW_PEOPLE),
    ("Alerts", "people:alerts", Capability.VIEW_PEOPLE),
    ("Possible duplicates", "people:duplicates", Capability.MERGE_PEOPLE),
    ("Users and teams", "accounts:user_list", Capability.MANAGE_USERS),
    ("API keys", "api_keys:list", Capability.MANAGE_API_KEYS),
    ("Working-day calendar", "platform:closure_list", Capability.MANAGE_CALENDAR),
    ("Emergency access reviews", "access:break_glass_queue", Capability.REVIEW_BREAK_GLASS),
    ("Restricted records", "access:restriction_list", Capability.MANAGE_GRANTS),
    ("Grants to approve", "access:grant_pending_list", Capability.APPROVE_GRANTS),
    ("Access requests", "access:access_request_queue", Capability.MANAGE_GRANTS),
    ("Audit", "audit:event_list", Capability.VIEW_AUDIT),
]


def url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation_for(user: Any, path: str) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, name, capability in _ITEMS:
        if capability is not None and not user.has_capability(capability):
            continue
        url = url_or_none(name)
        if url is None:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label, url, active))
    return items
