"""How cases read on screen: the child in the header, stages as tags, clocks in words, codes as labels.

Colour never carries meaning alone (WCAG 1.4.1): a stage tag says its stage, and an overdue task
says "overdue by 2 days" as well as being red.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.calendar import WorkingCalendar, calendar
from safehub.platform.errors import ConflictError
from safehub.reference_data.selectors import code_choices, code_label

from ..constants import Stage

NOT_RECORDED = "Not recorded"

_STAGE_CLASS = {
    Stage.REFERRAL: "govuk-tag--grey",
    Stage.ASSESSMENT: "govuk-tag--blue",
    Stage.SECTION_47: "govuk-tag--orange",
    Stage.CONFERENCE: "govuk-tag--orange",
    Stage.CP_PLAN: "govuk-tag--red",
    Stage.CIN_PLAN: "govuk-tag--purple",
    Stage.CHILD_IN_NEED: "govuk-tag--turquoise",
    Stage.CLOSED: "govuk-tag--grey",
}


@dataclass(frozen=True)
class Tag:
    label: str
    css: str


def stage_tag(stage: str) -> Tag:
    if stage in Stage.values:
        return Tag(str(Stage(stage).label), _STAGE_CLASS[Stage(stage)])
    return Tag(NOT_RECORDED, "govuk-tag--grey")


def format_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def age_on(dob: date, today: date) -> str:
    """Whole years; months under two, since "0" tells a duty worker nothing."""
    months = (today.year - dob.year) * 12 + today.month - dob.month - (today.day < dob.day)
    if months < 0:
        return ""
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12}"


def child_name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".strip()


def child_born(person: Person) -> str:
    """ "3 March 2019", "Unborn, expected 1 May 2027", or "Not recorded"."""
    if person.date_of_birth:
        return format_date(person.date_of_birth)
    if person.expected_date_of_birth:
        return f"Unborn, expected {format_date(person.expected_date_of_birth)}"
    return NOT_RECORDED


def child_age(person: Person, today: date | None = None) -> str:
    if not person.date_of_birth:
        return "Unborn" if person.expected_date_of_birth else ""
    return age_on(person.date_of_birth, today or clock.today())


@dataclass(frozen=True)
class DueView:
    text: str  # "due in 3 working days", "due today", "overdue by 2 days"
    overdue: bool
    soon: bool


def due_words(due_on: date | None, today: date, cal: WorkingCalendar) -> DueView | None:
    """A due date in words. Ahead in working days (how clocks are counted); overdue in calendar
    days (how long the child has waited)."""
    if due_on is None:
        return None
    if due_on == today:
        return DueView("due today", False, True)
    if due_on < today:
        days = (today - due_on).days
        return DueView(f"overdue by {days} day{'s' if days != 1 else ''}", True, False)
    working = cal.working_days_between(today, due_on)
    if working <= 0:
        # Due on a closed day with no working day before it: the next working day is the deadline.
        return DueView("due by the next working day", False, True)
    return DueView(f"due in {working} working day{'s' if working != 1 else ''}", False, working <= 5)


@dataclass(frozen=True)
class TaskRow:
    title: str
    due: str
    words: DueView | None
    basis: str
    assigned_to: str


def task_rows(tasks: Iterable[Any], today: date | None = None) -> list[TaskRow]:
    today = today or clock.today()
    cal = calendar()
    return [
        TaskRow(
            title=t.title,
            due=format_date(t.due_on),
            words=due_words(t.due_on, today, cal),
            basis=t.basis,
            assigned_to=str(t.assigned_to) if t.assigned_to_id else "Not assigned",
        )
        for t in tasks
    ]


class Labels:
    """Labels of one code list, read once for a page; a withdrawn code still shows its label."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._labels = dict(code_choices(key))

    def __call__(self, code: str) -> str:
        if not code:
            return NOT_RECORDED
        if code not in self._labels:
            self._labels[code] = code_label(self.key, code)
        return self._labels[code]

    def many(self, codes: Iterable[str]) -> list[str]:
        return [self(c) for c in codes]


def conflict_message(error: ConflictError, what: str = "This record") -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {format_date(local.date())}"
    return f"{what} was changed by {who}{when} after you opened it. Check it now, then save again."
