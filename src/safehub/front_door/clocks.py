"""The MASH clocks in working time (issue 4, item 4).

A clock runs in office hours on working days (England's bank holidays and the council's local
closures are not working days). "1 working day" is a whole office day of working hours, so a
contact received at 14:00 on a Friday is due at 14:00 on Monday; one received at 20:00 starts
when the office opens. Due times are computed here, stored on the rows and recomputed when a
setting or the calendar changes (ADR 0003), so the queue can sort on an indexed column.
"""

from datetime import datetime, timedelta

from safehub.platform import calendar

from .constants import CLOCK_DEFAULTS, RAG_CLOCK, ClockKey, ClockUnit, ContactStatus
from .models import ClockSetting, Contact


def settings_map() -> dict[str, tuple[int, str]]:
    """Every clock's (amount, unit): the stored setting, else the issue's default."""
    found = dict(CLOCK_DEFAULTS)
    for key, amount, unit in ClockSetting.objects.values_list("key", "amount", "unit"):
        found[key] = (amount, unit)
    return found


def setting(key: str) -> tuple[int, str]:
    return settings_map()[key]


def describe(key: str, settings: dict[str, tuple[int, str]] | None = None) -> str:
    """ "4 working hours", "1 working day"."""
    amount, unit = (settings or settings_map())[key]
    noun = "working hour" if unit == ClockUnit.WORKING_HOURS else "working day"
    return f"{amount} {noun}{'' if amount == 1 else 's'}"


def office_day_hours() -> float:
    opens, closes = calendar.office_hours()
    return (datetime.combine(datetime.min, closes) - datetime.combine(datetime.min, opens)).seconds / 3600


class Clocks:
    """The settings and the calendar read once, for computing many due times."""

    def __init__(self) -> None:
        self.settings = settings_map()
        self.calendar = calendar.calendar()

    def due_after(self, start: datetime, key: str) -> datetime:
        amount, unit = self.settings[key]
        hours = float(amount) if unit == ClockUnit.WORKING_HOURS else amount * office_day_hours()
        return self.calendar.add_working_hours(start, hours)


def due_after(start: datetime, key: str, clocks: Clocks | None = None) -> datetime:
    return (clocks or Clocks()).due_after(start, key)


def contact_refresh_clocks(contact: Contact, clocks: Clocks | None = None) -> Contact:
    """Set the contact's due times from its receipt and rating (in memory; the caller saves).

    Every clock starts at receipt: the RAG timescale is how long the hub has to finish its
    checks, and the referral decision is due within 1 working day of the contact arriving
    (Working Together 2023, ch. 2).
    """
    clocks = clocks or Clocks()
    contact.decision_due_at = clocks.due_after(contact.received_at, ClockKey.DECISION)
    contact.rag_due_at = (
        clocks.due_after(contact.received_at, RAG_CLOCK[contact.rag]) if contact.rag else None
    )
    if contact.status == ContactStatus.DECIDED:
        contact.next_due_at = None
    else:
        running = [contact.decision_due_at]
        if contact.rag_due_at is not None:
            running.append(contact.rag_due_at)
        contact.next_due_at = min(running)
    return contact


def next_clock_name(contact: Contact) -> str:
    """Which clock `next_due_at` belongs to, for the queue."""
    if contact.next_due_at is None:
        return ""
    if contact.rag_due_at is not None and contact.next_due_at == contact.rag_due_at:
        return f"{contact.get_rag_display()} screening"
    return "Referral decision"


def forecast(due_at: datetime | None, now: datetime) -> str:
    """Plain words for the time to a breach: "breaches in 40 minutes", "breached 2 hours ago"."""
    if due_at is None:
        return ""
    delta = due_at - now
    if delta >= timedelta(0):
        return f"breaches in {_span(delta)}"
    return f"breached {_span(-delta)} ago"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return _plural(minutes, "minute")
    hours = minutes // 60
    if hours < 48:
        return _plural(hours, "hour")
    return _plural(hours // 24, "day")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
