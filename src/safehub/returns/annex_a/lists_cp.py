"""Annex A lists 6 (children in need) and 7 (child protection)."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q

from safehub.child_protection.constants import ConferenceKind, VisitKind
from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Referral,
    Visit,
)
from safehub.looked_after.models import LegalStatus, LookedAfterPeriod

from .common import TEAM_WORKER, Allocations, AnnexList, Windows, child_cells, child_headers, yes_no

_CATEGORY = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
# Police protection (L1) and emergency protection orders (L2), the 903 legal statuses Ofsted asks about.
_EMERGENCY_STATUSES = ("L1", "L2")


def _open_on(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end > day)


def _case_status(w: Windows, referral: Any, looked_after: set, cp: set, cin: set, assessing: set) -> str:
    """Ofsted's case status on the inspection date, most intensive first."""
    if w.known(referral.closed_on):
        return "e) Closed episode"
    if referral.person_id in looked_after:
        return "a) Looked after child"
    if referral.pk in cp:
        return "b) Child Protection plan"
    if referral.pk in cin:
        return "c) Child in need plan"
    if referral.pk in assessing:
        return "d) Open assessment"
    return ""


def list_6_children_in_need(w: Windows) -> AnnexList:
    sheet = AnnexList(
        6,
        "Children in need",
        [
            *child_headers(disability=True),
            "CIN Start Date",
            "Primary Need Code",
            "Date Child Was Last Seen",
            "CIN Closure Date",
            "Reason for Closure",
            "Case Status",
            *TEAM_WORKER,
        ],
    )
    # Referrals that went beyond "no further action" and were open at some point in the window.
    referrals = list(
        Referral.objects.filter(referral_date__lte=w.as_at, nfa=False)
        .exclude(closed_on__lt=w.six_months)
        .select_related("person", "involvement__team", "involvement__worker")
        .order_by("referral_date", "pk")
    )
    ids = [r.pk for r in referrals]
    people = {r.person_id for r in referrals}
    looked_after = {
        p.person_id
        for p in LookedAfterPeriod.objects.filter(person_id__in=people, started_on__lte=w.as_at)
        if _open_on(p.started_on, p.ended_on, w.as_at)
    }
    cp = {
        p.referral_id
        for p in ChildProtectionPlan.objects.filter(referral_id__in=ids, started_on__lte=w.as_at)
        if _open_on(p.started_on, p.ended_on, w.as_at)
    }
    cin = {
        p.referral_id
        for p in ChildInNeedPlan.objects.filter(referral_id__in=ids, started_on__lte=w.as_at)
        if _open_on(p.started_on, p.ended_on, w.as_at)
    }
    assessing = set(
        Assessment.objects.filter(referral_id__in=ids, started_on__lte=w.as_at)
        .filter(Q(authorised_on__isnull=True) | Q(authorised_on__gt=w.as_at))
        .values_list("referral_id", flat=True)
    )
    last_seen: dict[Any, date] = {}
    for referral_id, visited in Visit.objects.filter(
        referral_id__in=ids, child_seen=True, visited_on__lte=w.as_at
    ).values_list("referral_id", "visited_on"):
        last_seen[referral_id] = max(visited, last_seen.get(referral_id, visited))
    allocations = Allocations([r.involvement for r in referrals], w.as_at)
    for referral in referrals:
        closed = w.known(referral.closed_on)
        sheet.rows.append(
            [
                *child_cells(referral.person, w.as_at, disability=True),
                referral.referral_date,
                referral.primary_need,
                last_seen.get(referral.pk),
                closed,
                referral.closure_reason if closed else "",
                _case_status(w, referral, looked_after, cp, cin, assessing),
                *allocations.cells(referral.involvement_id),
            ]
        )
        sheet.person_ids.add(referral.person_id)
    return sheet


def list_7_child_protection(w: Windows) -> AnnexList:
    sheet = AnnexList(
        7,
        "Child protection",
        [
            *child_headers(disability=True),
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Date of the Last Statutory Visit",
            "Was the Child Seen Alone?",
            "Date of latest review conference",
            "Child Protection Plan End Date",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
            "Number of Previous Child Protection Plans",
            *TEAM_WORKER,
        ],
    )
    plans = list(
        ChildProtectionPlan.objects.filter(started_on__lte=w.as_at)
        .exclude(ended_on__lt=w.six_months)
        .select_related("person", "referral__involvement__team", "referral__involvement__worker")
        .order_by("started_on", "pk")
    )
    ids = [p.pk for p in plans]
    people = {p.person_id for p in plans}
    visits: dict[Any, Any] = {}
    for cp_visit in Visit.objects.filter(
        cp_plan_id__in=ids, kind=VisitKind.CP, visited_on__lte=w.as_at
    ).order_by("visited_on", "created_at"):
        visits[cp_visit.cp_plan_id] = cp_visit  # the latest wins
    reviews: dict[Any, date] = {}
    for plan_id, held in Conference.objects.filter(
        plan_id__in=ids, kind=ConferenceKind.REVIEW, held_on__isnull=False, held_on__lte=w.as_at
    ).values_list("plan_id", "held_on"):
        if held:
            reviews[plan_id] = max(held, reviews.get(plan_id, held))
    emergency = set(
        LegalStatus.objects.filter(
            period__person_id__in=people,
            code__in=_EMERGENCY_STATUSES,
            started_on__gte=w.six_months,
            started_on__lte=w.as_at,
        ).values_list("period__person_id", flat=True)
    )
    ended_plans: dict[Any, list[tuple[Any, date]]] = defaultdict(list)
    for plan_id, person_id, ended in ChildProtectionPlan.objects.filter(
        person_id__in=people, ended_on__isnull=False
    ).values_list("pk", "person_id", "ended_on"):
        if ended:
            ended_plans[person_id].append((plan_id, ended))
    allocations = Allocations([p.referral.involvement for p in plans], w.as_at)
    for plan in plans:
        visit = visits.get(plan.pk)
        sheet.rows.append(
            [
                *child_cells(plan.person, w.as_at, disability=True),
                plan.started_on,
                _CATEGORY.get(plan.initial_category, plan.initial_category),
                _CATEGORY.get(plan.latest_category, plan.latest_category),
                visit.visited_on if visit else None,
                yes_no(visit.seen_alone) if visit else "",
                reviews.get(plan.pk),
                w.known(plan.ended_on),
                yes_no(plan.person_id in emergency),
                sum(
                    1
                    for pid, ended in ended_plans[plan.person_id]
                    if pid != plan.pk and ended <= plan.started_on
                ),
                *allocations.cells(plan.referral.involvement_id),
            ]
        )
        sheet.person_ids.add(plan.person_id)
    return sheet
