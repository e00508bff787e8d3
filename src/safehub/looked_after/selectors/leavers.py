"""Reads of care leaver records (issue 6, item 7): eligibility, one record, the list, the OC3 row.

Each read starts from `care_leaver_policy` (R19); a record's page is audited as one view of it (R27).
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.casework.timescales import add_months
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import Clock, LeaverCategory
from ..leaver_clocks import BirthdayWindow, birthday, birthday_windows, window_status
from ..models import CareLeaver, CareLeaverContact, LookedAfterPeriod, PathwayPlanReview
from ..policies import care_leaver_policy, care_policy

LIST_PAGE = 50
ELIGIBILITY_DAYS = 13 * 7  # Care Leavers (England) Regulations 2010, reg. 3: 13 weeks since 14
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})  # reg. 3(2): pre-planned short breaks do not count
LEAVER_ACTIONS = ("record", "manage")


# --- eligibility (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CareSpan:
    """A stretch of care: `ended_on` is the day care ended (None: still looked after)."""

    started_on: date
    ended_on: date | None
    short_break: bool = False


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _counted_days(spans: Iterable[CareSpan], since: date, until: date) -> int:
    """Days looked after from `since` up to `until` (exclusive), short breaks left out."""
    total = 0
    for span in spans:
        if span.short_break:
            continue
        start = max(span.started_on, since)
        end = min(span.ended_on or until, until)
        total += max(0, (end - start).days)
    return total


def eligibility_from_spans(dob: date | None, spans: Sequence[CareSpan], on: date) -> str | None:
    """The leaving care category the law gives on `on`, from the stretches of care (pure).

    Children (Leaving Care) Act 2000; Care Leavers (England) Regulations 2010, reg. 3:
    - eligible: 16 or 17 and looked after now, having been looked after for at least 13 weeks in
      all since the 14th birthday, some of it on or after the 16th birthday;
    - relevant: 16 or 17, no longer looked after, met the 13 weeks and was looked after on or after
      the 16th birthday;
    - former relevant: 18 to 24 (the duties run to the 25th birthday) and was eligible or relevant.
    Days under a series of short breaks (903 LS V3, V4) do not count. A day care ended counts as a
    day looked after for "on or after the 16th birthday", not as a day of the 13 weeks.
    """
    if dob is None:
        return None
    age = _age(dob, on)
    if age < 16 or age >= 25:
        return None
    fourteenth, sixteenth, eighteenth = birthday(dob, 14), birthday(dob, 16), birthday(dob, 18)
    counted = [s for s in spans if s.started_on <= on and not s.short_break]
    after_sixteen = any(
        s.started_on < eighteenth and (s.ended_on is None or s.ended_on >= sixteenth) for s in counted
    )
    if age < 18:
        weeks_met = _counted_days(counted, fourteenth, on + timedelta(days=1)) >= ELIGIBILITY_DAYS
        looked_after_now = any(s.ended_on is None or s.ended_on > on for s in counted)
        if not (weeks_met and after_sixteen):
            return None
        return LeaverCategory.ELIGIBLE if looked_after_now else LeaverCategory.RELEVANT
    # Former relevant: eligible or relevant at some time before 18.
    weeks_met = _counted_days(counted, fourteenth, eighteenth) >= ELIGIBILITY_DAYS
    return LeaverCategory.FORMER_RELEVANT if weeks_met and after_sixteen else None


def _spans(periods: Iterable[LookedAfterPeriod]) -> list[CareSpan]:
    """Each period split at its legal status changes, so short breaks (V3, V4) can be left out."""
    out: list[CareSpan] = []
    for period in periods:
        statuses = sorted(period.legal_statuses.all(), key=lambda s: (s.started_on, s.created_at))
        if not statuses:
            out.append(CareSpan(period.started_on, period.ended_on))
            continue
        if statuses[0].started_on > period.started_on:
            out.append(CareSpan(period.started_on, statuses[0].started_on))
        for current, following in zip(statuses, [*statuses[1:], None], strict=True):
            end = following.started_on if following is not None else period.ended_on
            out.append(CareSpan(current.started_on, end, current.code in SHORT_BREAK_STATUSES))
    return out


def leaver_eligibility(person: Person, on: date) -> str | None:
    """The `LeaverCategory` the record suggests for `person` on `on` (the worker decides)."""
    periods = LookedAfterPeriod.objects.filter(person=person).prefetch_related("legal_statuses")
    return eligibility_from_spans(person.date_of_birth, _spans(periods), on)


# --- one record --------------------------------------------------------------------------------


def leaver_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> CareLeaver:
    """One record the actor may `action`, or NotFoundOrForbidden; audited as a view when `section`."""
    care_leaver = (
        care_leaver_policy.scope(actor, CareLeaver.objects.all(), action)
        .select_related("person", "involvement", "personal_adviser")
        .filter(pk=id)
        .first()
    )
    if care_leaver is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=care_leaver, section=section)
    return care_leaver


@dataclass
class WindowRow:
    window: BirthdayWindow
    status: str  # done, missed, open, upcoming
    contact: CareLeaverContact | None


@dataclass
class LeaverView:
    """What the record page shows, read in a fixed number of queries (after `leaver_get`)."""

    care_leaver: CareLeaver
    person: Person
    suggestion: str | None
    contacts: list[CareLeaverContact]
    reviews: list[PathwayPlanReview]
    windows: list[WindowRow]
    open_tasks: list[Task]
    can: dict[str, bool] = field(default_factory=dict)


def leaver_record(*, actor: Any, care_leaver: CareLeaver) -> LeaverView:
    """The record page's rows. The caller got `care_leaver` from `leaver_get(section=...)`, which
    audited the view; this read adds no second event."""
    care_leaver_policy.check(actor, "view", care_leaver)
    contacts = list(care_leaver.contacts.select_related("recorded_by").order_by("-contact_on", "-created_at"))
    reviews = list(care_leaver.pathway_reviews.order_by("-reviewed_on", "-created_at"))
    today = clock.today()
    person = care_leaver.person
    windows: list[WindowRow] = []
    if person.date_of_birth is not None:
        days = [c.contact_on for c in contacts]
        for window in birthday_windows(person.date_of_birth):
            inside = [c for c in contacts if window.holds(c.contact_on)]
            windows.append(WindowRow(window, window_status(window, days, today), _nearest(inside, window)))
    return LeaverView(
        care_leaver=care_leaver,
        person=person,
        suggestion=leaver_eligibility(person, today),
        contacts=contacts,
        reviews=reviews,
        windows=windows,
        open_tasks=list(
            Task.objects.filter(involvement_id=care_leaver.involvement_id, status=TaskStatus.OPEN)
            .select_related("assigned_to")
            .order_by("due_on", "title")
        ),
        can={a: care_leaver_policy.can(actor, a, care_leaver) for a in LEAVER_ACTIONS},
    )


def _nearest(contacts: Sequence[CareLeaverContact], window: BirthdayWindow) -> CareLeaverContact | None:
    """The contact that answers OC3 for the window: the one nearest the birthday (later on a tie)."""
    if not contacts:
        return None
    return min(
        contacts, key=lambda c: (abs((c.contact_on - window.birthday).days), -c.contact_on.toordinal())
    )


# --- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaverListPage:
    records: list[Any]  # CareLeaver rows annotated with birthday_due_on and last_* fields
    total: int
    number: int
    pages: int


def leaver_list(*, actor: Any, filters: dict[str, Any] | None = None) -> LeaverListPage:
    """Open records the actor may see, soonest birthday contact first; fixed query count.

    Filters: `mine` (the actor is the personal adviser), `category`, `page`.
    """
    filters = filters or {}
    qs = care_leaver_policy.scope(actor, CareLeaver.objects.filter(ended_on__isnull=True), "view")
    if filters.get("mine"):
        qs = qs.filter(personal_adviser_id=actor.pk)
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    total = qs.count()
    pages = max(1, -(-total // LIST_PAGE))
    number = min(max(1, int(filters.get("page") or 1)), pages)
    due = Task.objects.filter(
        involvement_id=OuterRef("involvement_id"), status=TaskStatus.OPEN, key=Clock.KEEPING_IN_TOUCH
    ).order_by("due_on")
    last = CareLeaverContact.objects.filter(care_leaver_id=OuterRef("pk")).order_by(
        "-contact_on", "-created_at"
    )
    offset = (number - 1) * LIST_PAGE
    records = list(
        qs.annotate(
            birthday_due_on=Subquery(due.values("due_on")[:1]),
            last_contact_on=Subquery(last.values("contact_on")[:1]),
            last_in_touch=Subquery(last.values("in_touch")[:1]),
            last_activity=Subquery(last.values("activity")[:1]),
            last_accommodation=Subquery(last.values("accommodation")[:1]),
        )
        .select_related("person", "personal_adviser")
        .order_by("birthday_due_on", "person__family_name", "pk")[offset : offset + LIST_PAGE]
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=care_leaver_policy.object_type,
        section="leaver_list",
        result_ids=[r.pk for r in records],
    )
    return LeaverListPage(records=records, total=total, number=number, pages=pages)


# --- young people who may be owed support without a record ------------------------------------

CANDIDATE_AGES = (16, 21)  # the leaving care duties the list looks for: from 16 to the 22nd birthday


@dataclass(frozen=True)
class LeaverCandidate:
    person: Person
    age: int
    category: str  # the LeaverCategory the record of care gives today
    left_care_on: date | None  # the last day of care; None while looked after


def leaver_candidates(*, actor: Any, on: date | None = None) -> list[LeaverCandidate]:
    """Young people aged 16 to 21 with a period of care the actor may manage, no open care leaver
    record, and a leaving care category from the record of care (`eligibility_from_spans`, over
    open and ended periods alike): who may be owed leaving care support that nobody has opened.

    Fixed query count: the people, their periods and the periods' legal statuses in three reads,
    the eligibility worked out here. Audited as a list of the people shown (R27).
    """
    on = on or clock.today()
    youngest, oldest = CANDIDATE_AGES
    # Born on or before the 16th birthday's date and after the 22nd's; `_age` settles 29 February.
    born_by = add_months(on, -12 * youngest)
    born_after = add_months(on, -12 * (oldest + 1)) - timedelta(days=1)
    managed = care_policy.scope(actor, LookedAfterPeriod.objects.all(), "manage")
    people = (
        Person.objects.filter(
            pk__in=managed.values("person_id"),
            date_of_birth__lte=born_by,
            date_of_birth__gt=born_after,
            date_of_death__isnull=True,
            merged_into__isnull=True,
        )
        .exclude(pk__in=CareLeaver.objects.filter(ended_on__isnull=True).values("person_id"))
        .prefetch_related(
            Prefetch(
                "care_periods",
                queryset=LookedAfterPeriod.objects.prefetch_related("legal_statuses"),
            )
        )
        .order_by("family_name", "given_name", "pk")
    )
    found: list[LeaverCandidate] = []
    for person in people:
        dob = person.date_of_birth
        if dob is None or not youngest <= _age(dob, on) <= oldest:
            continue
        periods = list(person.care_periods.all())
        category = eligibility_from_spans(dob, _spans(periods), on)
        if category is None:
            continue
        ends = [p.ended_on for p in periods]
        left = None if any(e is None or e > on for e in ends) else max(e for e in ends if e is not None)
        found.append(LeaverCandidate(person, _age(dob, on), category, left))
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type="people.person",
        section="leaver_candidates",
        result_ids=[c.person.pk for c in found],
    )
    return found


# --- SSDA903 OC3 (for the return, issue 7) -----------------------------------------------------


def oc3_row(care_leaver: CareLeaver, year_end: date) -> dict[str, str] | None:
    """The OC3 values for the 17th to 21st birthday in the year to `year_end` (inclusive).

    None when no such birthday falls in the year. Otherwise IN_TOUCH, ACTIV and ACCOM from the
    contact in the birthday's window nearest the birthday; all three blank when there was none
    (the return decides what a missing contact becomes). No policy or audit: the return's caller
    reads for a statutory purpose and audits its own export. Reads `care_leaver.contacts.all()`,
    so a prefetch keeps a whole return to a fixed number of queries.
    """
    dob = care_leaver.person.date_of_birth
    if dob is None:
        return None
    year_start = add_months(year_end, -12) + timedelta(days=1)
    windows = [w for w in birthday_windows(dob) if year_start <= w.birthday <= year_end]
    if not windows:
        return None
    window = windows[0]
    contact = _nearest([c for c in care_leaver.contacts.all() if window.holds(c.contact_on)], window)
    if contact is None:
        return {"IN_TOUCH": "", "ACTIV": "", "ACCOM": ""}
    return {"IN_TOUCH": contact.in_touch, "ACTIV": contact.activity, "ACCOM": contact.accommodation}


__all__ = [
    "CareSpan",
    "LeaverCandidate",
    "LeaverListPage",
    "LeaverView",
    "eligibility_from_spans",
    "leaver_candidates",
    "leaver_eligibility",
    "leaver_get",
    "leaver_list",
    "leaver_record",
    "oc3_row",
]
