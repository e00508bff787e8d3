"""The care leaver clocks (issue 6, item 7): pathway plan reviews and the birthday contacts.

- `cl.pathway_review`: the pathway plan is reviewed at least every 6 months (Care Leavers
  (England) Regulations 2010, reg. 7(3)); counted from the last review, else from the day the plan
  was first agreed, else from the day the record opened.
- `cl.keeping_in_touch`: SSDA903 OC3 asks whether the council was in touch around each 17th to
  21st birthday, from 3 months before to 1 month after it. The task is the next birthday whose
  window has not closed and has no contact in it, due at the window's end (1 month after). A window
  that closed without a contact is *missed*: the record page shows it; no task can make it good.

`leaver_tasks` is pure (it reads the record's rows and the day); `leaver_clocks_sync` hands its
answer to casework's `tasks_sync` at the end of every write under a care leaver record.
"""

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects

from safehub.casework.services.tasks import TaskSpec, tasks_sync
from safehub.casework.timescales import add_months
from safehub.platform import clock
from safehub.platform.calendar import WorkingCalendar, calendar

from .constants import Clock
from .models import CareLeaver, CareLeaverContact, PathwayPlanReview

PATHWAY_REVIEW_MONTHS = 6
KEEPING_IN_TOUCH_AGES = (17, 18, 19, 20, 21)
WINDOW_MONTHS_BEFORE = 3
WINDOW_MONTHS_AFTER = 1
PREFETCH = ("contacts", "pathway_reviews")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class BirthdayWindow:
    """One OC3 birthday: the window a contact must fall in, and what happened in it."""

    age: int
    birthday: date
    opens_on: date
    closes_on: date  # inclusive; also the day the task is due

    @property
    def label(self) -> str:
        return f"{_ordinal(self.age)} birthday"

    def holds(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


def birthday(dob: date, age: int) -> date:
    """The `age`th birthday; 28 February in a common year for a 29 February birth."""
    return add_months(dob, 12 * age)


def birthday_windows(dob: date) -> list[BirthdayWindow]:
    """The 17th to 21st birthday windows (3 months before to 1 month after, 903 OC3)."""
    out = []
    for age in KEEPING_IN_TOUCH_AGES:
        day = birthday(dob, age)
        out.append(
            BirthdayWindow(
                age=age,
                birthday=day,
                opens_on=add_months(day, -WINDOW_MONTHS_BEFORE),
                closes_on=add_months(day, WINDOW_MONTHS_AFTER),
            )
        )
    return out


def window_status(window: BirthdayWindow, contact_days: Iterable[date], today: date) -> str:
    """`done` (a contact in the window), `missed` (closed without one), `open`, or `upcoming`."""
    if any(window.holds(d) for d in contact_days):
        return "done"
    if window.closes_on < today:
        return "missed"
    if window.opens_on <= today:
        return "open"
    return "upcoming"


def next_window(dob: date | None, contact_days: Iterable[date], today: date) -> BirthdayWindow | None:
    """The birthday the keeping-in-touch task is for: the first window not closed and not done."""
    if dob is None:
        return None
    days = list(contact_days)
    for window in birthday_windows(dob):
        if window_status(window, days, today) in ("open", "upcoming"):
            return window
    return None


@dataclass
class Rows:
    """A care leaver record's rows, read once (from the prefetch cache when there is one)."""

    contacts: list[CareLeaverContact]
    reviews: list[PathwayPlanReview]

    @classmethod
    def of(cls, care_leaver: CareLeaver) -> "Rows":
        return cls(contacts=list(care_leaver.contacts.all()), reviews=list(care_leaver.pathway_reviews.all()))


def pathway_review_due_on(care_leaver: CareLeaver, rows: Rows) -> tuple[date, str]:
    """6 months after the last review, else after the plan was agreed, else after the record opened."""
    if rows.reviews:
        last = max(r.reviewed_on for r in rows.reviews)
        return add_months(last, PATHWAY_REVIEW_MONTHS), "within 6 months of the last pathway plan review"
    if care_leaver.pathway_plan_on is not None:
        return (
            add_months(care_leaver.pathway_plan_on, PATHWAY_REVIEW_MONTHS),
            "within 6 months of the pathway plan being agreed",
        )
    return (
        add_months(care_leaver.started_on, PATHWAY_REVIEW_MONTHS),
        "within 6 months of the care leaver record opening",
    )


def leaver_tasks(
    care_leaver: CareLeaver, rows: Rows, cal: WorkingCalendar | None = None, today: date | None = None
) -> list[TaskSpec]:
    """The clock tasks that should be open on the record now. Pure: nothing on a closed record.

    `cal` is accepted for the same shape as the other clocks; these timescales are in months.
    """
    if care_leaver.ended_on is not None:
        return []
    today = today or clock.today()
    due, why = pathway_review_due_on(care_leaver, rows)
    specs = [
        TaskSpec(
            key=Clock.PATHWAY_REVIEW,
            title="Review the pathway plan",
            due_on=due,
            basis=f"Care Leavers (England) Regulations 2010: {why}"[:200],
        )
    ]
    window = next_window(care_leaver.person.date_of_birth, [c.contact_on for c in rows.contacts], today)
    if window is not None:
        specs.append(
            TaskSpec(
                key=Clock.KEEPING_IN_TOUCH,
                title=f"Birthday contact ({window.label})",
                due_on=window.closes_on,
                basis="SSDA903 OC3: in touch from 3 months before to 1 month after the birthday",
            )
        )
    return specs


def _fresh_copy(care_leaver: CareLeaver) -> CareLeaver:
    """The record with its rows read afresh (a service has just written some)."""
    care_leaver.involvement.refresh_from_db()
    fresh = copy.copy(care_leaver)
    fresh._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    prefetch_related_objects([fresh], *PREFETCH)
    return fresh


def leaver_clocks_sync(
    *, care_leaver: CareLeaver, done: Mapping[str, date] | None = None, done_by: Any = None
) -> None:
    """Bring the record's clock tasks in step with it (call at the end of the writing service).

    `done` names the clocks the service just satisfied, with the day. No policy check: the caller has.
    """
    with transaction.atomic():
        fresh = _fresh_copy(care_leaver)
        tasks_sync(
            involvement=fresh.involvement,
            specs=leaver_tasks(fresh, Rows.of(fresh), calendar()),
            done=done,
            done_by=done_by,
        )


def leaver_clocks_recompute_all() -> int:
    """Recompute every open record's tasks (after a calendar or timescale change, or daily so a
    closed birthday window moves the task on). Rows come in a fixed number of queries per chunk."""
    cal = calendar()
    today = clock.today()
    count = 0
    records = (
        CareLeaver.objects.filter(ended_on__isnull=True)
        .select_related("person", "involvement")
        .prefetch_related(*PREFETCH)
        .order_by("pk")
    )
    for care_leaver in records.iterator(chunk_size=500):
        with transaction.atomic():
            tasks_sync(
                involvement=care_leaver.involvement,
                specs=leaver_tasks(care_leaver, Rows.of(care_leaver), cal, today),
            )
        count += 1
    return count


__all__ = [
    "BirthdayWindow",
    "Rows",
    "birthday",
    "birthday_windows",
    "leaver_clocks_recompute_all",
    "leaver_clocks_sync",
    "leaver_tasks",
    "next_window",
    "pathway_review_due_on",
    "window_status",
]
