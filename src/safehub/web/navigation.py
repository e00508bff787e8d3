"""Service navigation by role: each entry names the capability it needs.

Entries point at routes other apps provide. A route that is not (yet) in the URL tree is left
out rather than breaking every page, so the navigation only ever offers what exists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from safehub.access.services.access_request import REQUESTER_ROLES
from safehub.accounts.constants import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# The capability an entry needs, or a rule on the user where no capability says it (only MASH
# roles ask for access to a restricted record that matched, so only they have requests to follow).
_Gate = str | Callable[[Any], bool] | None


def _asks_for_access(user: Any) -> bool:
    return getattr(user, "role", None) in REQUESTER_ROLES


def _holds_cases(user: Any) -> bool:
    return bool(
        user.has_capability(Capability.RECORD_CASEWORK) or user.has_capability(Capability.MANAGE_EARLY_HELP)
    )


def _learns(user: Any) -> bool:
    return any(
        user.has_capability(c)
        for c in (Capability.VIEW_LEARNING, Capability.CONTRIBUTE_LEARNING, Capability.NOTIFY_INCIDENTS)
    )


_ITEMS: list[tuple[str, str, _Gate]] = [
    ("Home", "web:home", None),
    ("MASH queue", "front_door:queue", Capability.VIEW_CONTACTS),
    ("Referrals", "portal:home", Capability.SUBMIT_REFERRALS),
    ("Information requests", "partner:inbox", Capability.ANSWER_REQUESTS),
    ("MASH dashboard", "front_door_dashboard:dashboard", Capability.VIEW_MASH_DASHBOARD),
    ("My tasks", "casework:my_tasks", _holds_cases),
    ("Early help", "early_help:episode_list", Capability.VIEW_EARLY_HELP),
    ("Requests for support", "early_help_front_door:request_inbox", Capability.MANAGE_EARLY_HELP),
    ("Ask for early help", "early_help:my_requests", Capability.REQUEST_EARLY_HELP),
    ("Early help dashboard", "early_help:dashboard", Capability.VIEW_EARLY_HELP_DASHBOARD),
    ("Cases", "child_protection:case_list", Capability.VIEW_CASES),
    ("Children in care", "looked_after:period_list", Capability.VIEW_CASES),
    ("Care leavers", "looked_after_leavers:leaver_list", Capability.VIEW_CASES),
    ("Households", "looked_after_households:household_list", Capability.VIEW_CASES),
    ("Sufficiency", "looked_after_households:sufficiency", Capability.VIEW_SUFFICIENCY),
    ("Statutory returns", "returns:home", Capability.VIEW_RETURNS),
    ("Learning and improvement", "learning:home", _learns),
    ("Action plans", "learning_actions:list", _learns),
    ("Case audits", "learning_audits:programme_list", Capability.VIEW_LEARNING),
    ("My audits", "learning_audits:mine", Capability.CONTRIBUTE_LEARNING),
    ("Partnership board report", "learning_reports:board", Capability.VIEW_LEARNING_REPORT),
    ("Team tasks", "casework:team_tasks", Capability.MANAGE_CASES),
    ("Allocation", "casework:allocation", Capability.MANAGE_CASES),
    ("Handovers from the MASH", "front_door_handovers:inbox", Capability.MANAGE_CASES),
    ("People", "people:search", Capability.VIEW_PEOPLE),
    ("Alerts", "people:alerts", Capability.VIEW_PEOPLE),
    ("Possible duplicates", "people:duplicates", Capability.MERGE_PEOPLE),
    ("Users and teams", "accounts:user_list", Capability.MANAGE_USERS),
    ("API keys", "api_keys:list", Capability.MANAGE_API_KEYS),
    ("Working-day calendar", "platform:closure_list", Capability.MANAGE_CALENDAR),
    ("Casework settings", "casework:settings", Capability.MANAGE_CASE_SETTINGS),
    ("Emergency access reviews", "access:break_glass_queue", Capability.REVIEW_BREAK_GLASS),
    ("Restricted records", "access:restriction_list", Capability.MANAGE_GRANTS),
    ("Grants to approve", "access:grant_pending_list", Capability.APPROVE_GRANTS),
    ("Access requests", "access:access_request_queue", Capability.MANAGE_GRANTS),
    ("Your access requests", "access:access_requests_mine", _asks_for_access),
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
    for label, name, gate in _ITEMS:
        if callable(gate) and not gate(user):
            continue
        if isinstance(gate, str) and not user.has_capability(gate):
            continue
        url = url_or_none(name)
        if url is None:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label, url, active))
    return items
