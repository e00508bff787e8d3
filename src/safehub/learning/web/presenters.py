"""How learning records read on screen: dates, due-date tags and the conflict message.

Colour never carries meaning alone (WCAG 1.4.1): an overdue return says "Overdue by 3 days" as
well as being red.
"""

from dataclasses import dataclass
from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from safehub.platform.errors import ConflictError


@dataclass(frozen=True)
class Tag:
    label: str
    css: str


def format_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def due_tag(due_on: date | None, today: date, *, done: bool = False) -> Tag | None:
    """Red when overdue, yellow within a week, none otherwise: always with the words too."""
    if due_on is None or done:
        return None
    days = (due_on - today).days
    if days < 0:
        return Tag(f"Overdue by {-days} day{'s' if days != -1 else ''}", "govuk-tag--red")
    if days == 0:
        return Tag("Due today", "govuk-tag--yellow")
    if days <= 7:
        return Tag(f"Due in {days} day{'s' if days != 1 else ''}", "govuk-tag--yellow")
    return None


def conflict_message(error: ConflictError, what: str = "This record") -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {format_date(local.date())}"
    return f"{what} was changed by {who}{when} after you opened it. Check it now, then save again."


def link(name: str, fallback: str, *args: object) -> str:
    """The URL of a route another part of issue 10 provides, or its planned path while that route
    is not wired yet, so this page never breaks on a sibling's missing route."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback
