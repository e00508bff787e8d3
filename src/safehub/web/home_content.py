"""What each role's home page offers: short task lists that link only to pages that exist.

Each task names the route and the capability it needs; a route another part of Safehub has not
delivered yet is left out (see navigation.url_or_none), so the page never offers a dead link.
"""

from dataclasses import dataclass
from typing import Any

from safehub.accounts.constants import CASEWORK_ROLES, Capability, Role

from .navigation import url_or_none


@dataclass(frozen=True)
class Task:
    label: str
    description: str
    url: str


@dataclass(frozen=True)
class Section:
    heading: str
    tasks: list[Task]


# (section heading, [(label, description, route name, capability or None)])
_SECTIONS: list[tuple[str, list[tuple[str, str, str, str | None]]]] = [
    (
        "Front door (MASH)",
        [
            (
                "MASH queue",
                "Open contacts, the one nearest to breaching its clock first.",
                "front_door:queue",
                Capability.VIEW_CONTACTS,
            ),
            (
                "Record a contact",
                "Record a concern about a child received by phone, email or another route.",
                "front_door:contact_new",
                Capability.RECORD_CONTACTS,
            ),
            (
                "MASH clock settings",
                "Set how long screening, decisions and partners' answers may take.",
                "front_door:clocks",
                Capability.MANAGE_CLOCKS,
            ),
            (
                "MASH dashboard",
                "Volumes, RAG mix, timeliness and outcomes by week and month.",
                "front_door_dashboard:dashboard",
                Capability.VIEW_MASH_DASHBOARD,
            ),
        ],
    ),
    (
        "Referrals",
        [
            (
                "Make a referral",
                "Tell children's services about a concern and follow what happens next.",
                "portal:home",
                Capability.SUBMIT_REFERRALS,
            ),
        ],
    ),
    (
        "Information requests",
        [
            (
                "Information requests for your agency",
                "Answer the MASH's requests for what your agency knows.",
                "partner:inbox",
                Capability.ANSWER_REQUESTS,
            ),
        ],
    ),
    (
        "Children and families",
        [
            (
                "Find a person",
                "Search for a child or adult by name, date of birth or NHS number.",
                "people:search",
                Capability.VIEW_PEOPLE,
            ),
            (
                "Record a new person",
                "Add a child or adult who is not already in Safehub.",
                "people:create",
                Capability.EDIT_PEOPLE,
            ),
        ],
    ),
    (
        "Information governance",
        [
            (
                "Search the audit trail",
                "See who looked at or changed a record, and when.",
                "audit:event_list",
                Capability.VIEW_AUDIT,
            ),
            (
                "Review emergency access",
                "Record an outcome for each use of emergency (break-the-glass) access.",
                "access:break_glass_queue",
                Capability.REVIEW_BREAK_GLASS,
            ),
            (
                "Check the audit chain",
                "Confirm that no audit record has been altered or removed.",
                "audit:chain_status",
                Capability.VIEW_AUDIT,
            ),
        ],
    ),
    (
        "Administration",
        [
            (
                "Manage users and teams",
                "Add staff and partner users, change roles and teams, and deactivate accounts.",
                "accounts:user_list",
                Capability.MANAGE_USERS,
            ),
            (
                "Manage API keys",
                "Issue and revoke keys for partner systems.",
                "api_keys:key_list",
                Capability.MANAGE_API_KEYS,
            ),
            (
                "Manage local closures",
                "Record days the council is closed, so working-day timescales stay correct.",
                "platform:closure_list",
                Capability.MANAGE_CALENDAR,
            ),
        ],
    ),
]

_ACCOUNT_TASKS: list[tuple[str, str, str]] = [
    ("Two-factor authentication", "Manage your authenticator app and recovery codes.", "mfa_index"),
    (
        "Where you are signed in",
        "See your sessions and sign out of the ones you do not recognise.",
        "usersessions_list",
    ),
    ("Change your password", "Choose a new password of at least 15 characters.", "account_change_password"),
]

_INTRODUCTIONS = {
    Role.SYSADMIN: "Set up who can use Safehub and what they can do.",
    Role.IG_OFFICER: "Check that records are used lawfully and that emergency access was justified.",
    Role.MASH_MANAGER: "Screen new contacts, keep the hub within its clocks and authorise decisions.",
    Role.MASH_SOCIAL_WORKER: "Record contacts, gather what partners know and propose a decision.",
    Role.MASH_PARTNER: "Answer the MASH's requests for what your agency knows about a child or family.",
    Role.REFERRER: "Tell the council's children's services about a concern and follow what happens next.",
    Role.PERFORMANCE_ANALYST: "Safehub is where the council's children's services keep their records.",
    Role.DATA_OFFICER: "Produce the statutory returns and put right, at source, what the DfE validators find.",
    Role.PARTNERSHIP_MANAGER: "Safehub is where the council's children's services keep their records.",
}


def _section(heading: str, entries: list[tuple[str, str, str, str | None]], user: Any) -> Section | None:
    tasks = []
    for label, description, name, capability in entries:
        if capability is not None and not user.has_capability(capability):
            continue
        url = url_or_none(name)
        if url is not None:
            tasks.append(Task(label, description, url))
    return Section(heading, tasks) if tasks else None


def home_for(user: Any) -> dict[str, Any]:
    """The home page's content for `user`: introduction, task sections and account tasks."""
    sections = [s for heading, entries in _SECTIONS if (s := _section(heading, entries, user))]
    account = [Task(label, desc, url) for label, desc, name in _ACCOUNT_TASKS if (url := url_or_none(name))]
    casework = user.role in CASEWORK_ROLES
    return {
        "introduction": _INTRODUCTIONS.get(
            user.role, "Find the children and families you work with and record your work."
        ),
        "sections": sections,
        "account_tasks": account,
        # Partners and roles with no case work yet get a plain "what you can do here" panel,
        # so nobody lands on an empty page wondering whether something is broken.
        "show_partner_panel": not casework and not sections,
    }
