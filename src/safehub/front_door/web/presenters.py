"""How contacts read on the MASH pages: RAG tags with their word, clocks in plain words, names.

Colour never carries meaning alone (WCAG 1.4.1): a RAG tag always says "Red", and a breached
clock says "Overdue" as well as being red.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from .. import clocks
from ..constants import Rag, SubjectRole
from ..models import Contact, ContactSubject, RagRating

NOT_RATED = "Not rated"

_RAG_CLASS = {Rag.RED: "govuk-tag--red", Rag.AMBER: "govuk-tag--orange", Rag.GREEN: "govuk-tag--green"}


@dataclass(frozen=True)
class Tag:
    label: str
    css: str


def rag_tag(rag: str) -> Tag:
    if rag in Rag.values:
        return Tag(str(Rag(rag).label), _RAG_CLASS[Rag(rag)])
    return Tag(NOT_RATED, "govuk-tag--grey")


def format_datetime(value: datetime | None) -> str:
    """ "14:05 on 3 March 2026", in the council's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


@dataclass(frozen=True)
class ClockView:
    """A clock as the queue and the contact page show it."""

    name: str
    due: str
    forecast: str
    overdue: bool


def clock_view(name: str, due_at: datetime | None, now: datetime) -> ClockView | None:
    if due_at is None:
        return None
    return ClockView(
        name=name, due=format_datetime(due_at), forecast=clocks.forecast(due_at, now), overdue=due_at < now
    )


def subject_name(subject: ContactSubject, visible_ids: Collection[Any] = ()) -> str:
    """The linked record's name when the reader may see that record (the index is the truth),
    else the name as described. A restricted or sealed record's name never shows through a
    contact: an adopted child's record holds the new identity (R22)."""
    person = subject.person
    if person is not None and subject.person_id in visible_ids:
        return f"{person.given_name} {person.family_name}".strip()
    if subject.role == SubjectRole.UNBORN_CHILD and not subject.details.get("given_name"):
        return "Unborn child"
    return subject.described_name


def described_rows(details: dict[str, str]) -> list[tuple[str, str]]:
    """The subject as the referrer described them, only what was given, in a fixed order."""
    labels = (
        ("given_name", "Given name"),
        ("family_name", "Family name"),
        ("date_of_birth", "Date of birth"),
        ("expected_date_of_birth", "Expected date of birth"),
        ("sex", "Sex"),
        ("nhs_number", "NHS number"),
        ("address_line", "Address"),
        ("postcode", "Postcode"),
    )
    sexes = {"M": "Male", "F": "Female", "U": "Not known"}
    rows = []
    for key, label in labels:
        value = str(details.get(key) or "")
        if not value:
            continue
        if key == "sex":
            value = sexes.get(value, value)
        elif key in ("date_of_birth", "expected_date_of_birth"):
            value = _iso_to_words(value)
        elif key == "nhs_number" and len(value) == 10 and value.isdigit():
            value = f"{value[:3]} {value[3:6]} {value[6:]}"
        rows.append((label, value))
    return rows


def _iso_to_words(value: str) -> str:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class RatingRow:
    when: str
    tag: Tag
    previous: Tag | None
    reason: str
    by: str
    due: str


def rating_rows(ratings: list[RagRating]) -> list[RatingRow]:
    return [
        RatingRow(
            when=format_datetime(r.created_at),
            tag=rag_tag(r.rag),
            previous=rag_tag(r.previous) if r.previous else None,
            reason=r.reason,
            by=str(r.set_by),
            due=format_datetime(r.due_at),
        )
        for r in ratings
    ]


def contact_clocks(contact: Contact, now: datetime) -> list[ClockView]:
    """The clocks on the contact page: screening (once rated) and decision while the contact is
    open, counted to now; once decided, each is measured at the decision instead, so a decided
    contact never shows a breach still to come."""
    at = now if contact.is_open or contact.decided_at is None else contact.decided_at
    shown: list[ClockView | None] = []
    if contact.rag:
        shown.append(clock_view(f"{contact.get_rag_display()} screening", contact.rag_due_at, at))
    shown.append(clock_view("Referral decision", contact.decision_due_at, at))
    views = [c for c in shown if c is not None]
    if at is not now:
        views = [_measured_at_decision(c) for c in views]
    return views


def _measured_at_decision(view: ClockView) -> ClockView:
    words = "decided late" if view.overdue else "decided in time"
    return ClockView(name=view.name, due=view.due, forecast=words, overdue=view.overdue)


def referrer_rows(contact: Contact) -> list[tuple[str, str]]:
    agency: Any = contact.referrer_agency
    rows = [
        ("Name", contact.referrer_name),
        ("Agency", agency.name if agency is not None else contact.referrer_organisation),
        ("Role", contact.referrer_role),
        ("Phone", contact.referrer_phone),
        ("Email", contact.referrer_email),
    ]
    return [(label, value or "Not recorded") for label, value in rows]
