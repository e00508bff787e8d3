"""Annex A lists 8 (children in care) and 9 (care leavers)."""

from datetime import date
from typing import Any

from django.db.models import Prefetch

from safehub.looked_after.constants import HealthCheckKind, LeaverCategory
from safehub.looked_after.models import CareLeaver, CareLeaverContact, LookedAfterPeriod, UascStatus

from .common import TEAM_WORKER, Allocations, AnnexList, Windows, child_cells, child_headers, yes_no

_HEALTH_ASSESSMENTS = (HealthCheckKind.INITIAL_HEALTH_ASSESSMENT, HealthCheckKind.REVIEW_HEALTH_ASSESSMENT)
_ELIGIBILITY: dict[str, str] = {
    LeaverCategory.RELEVANT: "a) Relevant child",
    LeaverCategory.FORMER_RELEVANT: "b) Former relevant child",
    LeaverCategory.QUALIFYING: "c) Qualifying care leaver",
}
_IN_TOUCH = {
    "YES": "a) Yes",
    "NO": "b) No",
    "DIED": "c) Died",
    "REFU": "d) Refu",
    "NREQ": "e) NREQ",
    "RHOM": "f) Rhom",
}
# 903 ACCOM is the accommodation letter then 1 (suitable) or 2 (unsuitable).
_SUITABILITY = {"1": "a) Suitable", "2": "b) Unsuitable"}


def _latest_on(rows: Any, day: date, attr: str = "started_on") -> Any:
    found = None
    for row in sorted(rows, key=lambda r: getattr(r, attr)):
        if getattr(row, attr) <= day:
            found = row
    return found


def _latest_date(days: Any) -> date | None:
    days = [d for d in days if d is not None]
    return max(days) if days else None


def _care_row(w: Windows, period: Any, others: list[Any]) -> list[Any]:
    legal = _latest_on(period.legal_statuses.all(), w.as_at)
    placement = _latest_on(period.placements.all(), w.as_at)
    checks = [c for c in period.health_checks.all() if c.done_on <= w.as_at]
    away = [m for m in period.missing_episodes.all() if w.in_twelve(m.started_on)]
    last_missing = _latest_on([m for m in away if m.kind == "M"], w.as_at)
    placements_in_year = [
        p
        for p in period.placements.all()
        if p.started_on <= w.as_at and (p.ended_on is None or p.ended_on >= w.twelve_months)
    ]
    ended = w.known(period.ended_on)
    # "A second or subsequent period within the last 12 months": an earlier period of care that was
    # still running at some point in the twelve months.
    repeat = any(
        o.started_on < period.started_on and (o.ended_on is None or o.ended_on >= w.twelve_months)
        for o in others
    )
    household = placement.household if placement else None
    return [
        period.started_on,
        period.need_code,
        yes_no(repeat),
        legal.started_on if legal else None,
        legal.code if legal else "",
        _latest_date(r.held_on for r in period.reviews.all() if r.held_on <= w.as_at),
        _latest_date(v.visited_on for v in period.visits.all() if v.visited_on <= w.as_at),
        "",  # permanence plan: not recorded as a coded field yet
        "",  # IRO contact: not recorded apart from the review yet
        _latest_date(c.done_on for c in checks if c.kind in _HEALTH_ASSESSMENTS),
        _latest_date(c.done_on for c in checks if c.kind == HealthCheckKind.DENTAL),
        len(placements_in_year),
        ended,
        period.end_reason if ended else "",
        placement.started_on if placement else None,
        placement.placement_type if placement else "",
        placement.provider if placement else "",
        placement.postcode if placement else "",
        placement.urn if placement else "",
        ("a) In" if household.in_area else "b) Out") if household else "",
        "",  # LA of placement: the placing LA's code is not recorded per placement yet
        sum(1 for m in away if m.kind == "M"),
        sum(1 for m in away if m.kind == "A"),
        yes_no(last_missing.interview_offered_on is not None) if last_missing else "",
        yes_no(last_missing.interview_accepted) if last_missing else "",
    ]


def list_8_children_in_care(w: Windows) -> AnnexList:
    sheet = AnnexList(
        8,
        "Children in care",
        [
            *child_headers(disability=True)[:5],
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            *child_headers(disability=True)[5:],
            "Date Started to be Looked After",
            "Child's Category of Need",
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
            "Start date of current legal status",
            "Child's Legal Status",
            "Date of Latest Statutory Review",
            "Date of Last Social Work Visit",
            "What is the permanence plan for this child?",
            "Date of Last IRO Visit / Contact to the Child",
            "Date of Last Health Assessment",
            "Date of Last Dental Check",
            "Number of Placements in the Last 12 months",
            "Date Ceased to be Looked After",
            "Reason Ceased to be Looked After",
            "Start Date of Most Recent Placement",
            "Placement Type",
            "Placement Provider",
            "Placement postcode",
            "URN of Placement",
            "Placement Location",
            "LA of Placement",
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            *TEAM_WORKER,
        ],
    )
    periods = list(
        LookedAfterPeriod.objects.filter(started_on__lte=w.as_at)
        .exclude(ended_on__lt=w.six_months)
        .select_related("person", "involvement__team", "involvement__worker")
        .prefetch_related(
            "legal_statuses",
            "placements__household",
            "reviews",
            "visits",
            "health_checks",
            "missing_episodes",
        )
        .order_by("started_on", "pk")
    )
    people = {p.person_id for p in periods}
    earlier: dict[Any, list[Any]] = {}
    for other in LookedAfterPeriod.objects.filter(person_id__in=people, started_on__lte=w.as_at):
        earlier.setdefault(other.person_id, []).append(other)
    uasc = {
        u.person_id
        for u in UascStatus.objects.filter(person_id__in=people, started_on__lte=w.as_at)
        if u.ceased_on is None or u.ceased_on >= w.twelve_months
    }
    allocations = Allocations([p.involvement for p in periods], w.as_at)
    for period in periods:
        cells = child_cells(period.person, w.as_at, disability=True)
        sheet.rows.append(
            [
                *cells[:5],
                yes_no(period.person_id in uasc),
                *cells[5:],
                *_care_row(w, period, earlier.get(period.person_id, [])),
                *allocations.cells(period.involvement_id),
            ]
        )
        sheet.person_ids.add(period.person_id)
    return sheet


def list_9_care_leavers(w: Windows) -> AnnexList:
    sheet = AnnexList(
        9,
        "Care leavers",
        child_headers(disability=True)
        + TEAM_WORKER
        + [
            "Eligibility Category",
            "LA in Touch",
            "Type of Accommodation",
            "Suitability of Accommodation",
            "Activity Status",
        ],
    )
    # Entitled at the inspection date: relevant, former relevant or qualifying. "Eligible" young
    # people are still looked after and appear on list 8.
    leavers = [
        leaver
        for leaver in CareLeaver.objects.filter(category__in=list(_ELIGIBILITY), started_on__lte=w.as_at)
        .select_related("person", "involvement__team", "personal_adviser")
        .prefetch_related(Prefetch("contacts", queryset=CareLeaverContact.objects.order_by("contact_on")))
        .order_by("started_on", "pk")
        if leaver.ended_on is None or leaver.ended_on > w.as_at
    ]
    allocations = Allocations([leaver.involvement for leaver in leavers], w.as_at)
    for leaver in leavers:
        contact = _latest_on(leaver.contacts.all(), w.as_at, "contact_on")
        accommodation = contact.accommodation if contact else ""
        team, worker = allocations.cells(leaver.involvement_id)
        if leaver.personal_adviser:
            worker = leaver.personal_adviser.full_name
        sheet.rows.append(
            [
                *child_cells(leaver.person, w.as_at, disability=True),
                team,
                worker,
                _ELIGIBILITY[leaver.category],
                _IN_TOUCH.get(contact.in_touch, contact.in_touch) if contact else "",
                accommodation[:1],
                _SUITABILITY.get(accommodation[1:2], ""),
                contact.activity if contact else "",
            ]
        )
        sheet.person_ids.add(leaver.person_id)
    return sheet
