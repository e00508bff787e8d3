"""Annex A lists 10 (children with an adoption decision) and 11 (adopters)."""

from datetime import date
from typing import Any

from django.utils import timezone

from safehub.looked_after.constants import (
    ADOPTION_PLACEMENTS,
    FOSTERING_FOR_ADOPTION_PLACEMENTS,
    PLACEMENT_ORDER_STATUSES,
    HouseholdKind,
    PermanenceOrderKind,
)
from safehub.looked_after.models import AdoptionDecision, CarerHousehold, PermanenceOrder, Placement

from .common import (
    AnnexList,
    DisabilityOf,
    Windows,
    child_cells,
    ethnicity_label,
    gender_label,
    yes_no,
)


def _first(days: Any) -> date | None:
    days = [d for d in days if d is not None]
    return min(days) if days else None


def _first_known(household: Any) -> date:
    """When the council first knew the household: its recording, or an earlier approval date for a
    household recorded after the fact (imported history)."""
    recorded = timezone.localtime(household.created_at).date()
    return min(recorded, household.approved_on) if household.approved_on else recorded


def list_10_adoption(w: Windows) -> AnnexList:
    sheet = AnnexList(
        10,
        "Adoption",
        [
            "Child Unique ID",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Does the Child have a Disability",
            "Date the Child Entered Care",
            "Date of Decision that Child Should be Placed for Adoption",
            "Date of Placement Order",
            "Date of Matching Child and Prospective Adopters",
            "Date Placed for Adoption",
            "Date of Adoption Order",
            "Date of Decision that Child Should No Longer be Placed for Adoption",
            "Reason Why Child No Longer Placed for Adoption",
            "Date the child was placed for fostering in FFA or concurrent planning placement",
        ],
    )
    decisions = list(
        AdoptionDecision.objects.filter(decided_on__lte=w.as_at)
        .select_related("person", "period", "household")
        .prefetch_related("period__legal_statuses", "period__placements", "period__orders")
        .order_by("decided_on", "pk")
    )
    for decision in decisions:
        period = decision.period
        placements = [p for p in period.placements.all() if p.started_on <= w.as_at]
        orders = [
            o.made_on
            for o in period.orders.all()
            if o.kind == PermanenceOrderKind.ADOPTION and o.made_on <= w.as_at
        ]
        order = _first(orders)
        ceased = w.known(decision.ceased_on)
        # In scope: the decision, the adoption order or the reversal fell in the last 12 months.
        if not (w.in_twelve(decision.decided_on) or w.in_twelve(order) or w.in_twelve(ceased)):
            continue
        cells = child_cells(decision.person, w.as_at, disability=True)
        sheet.rows.append(
            [
                *cells[:1],
                decision.household.reference if decision.household else "",
                *cells[1:],
                period.started_on,
                decision.decided_on,
                _first(
                    s.started_on
                    for s in period.legal_statuses.all()
                    if s.code in PLACEMENT_ORDER_STATUSES and s.started_on <= w.as_at
                ),
                w.known(decision.matched_on),
                _first(
                    p.started_on
                    for p in placements
                    if p.placement_type in ADOPTION_PLACEMENTS and p.started_on >= decision.decided_on
                ),
                order,
                ceased,
                decision.ceased_reason if ceased else "",
                _first(
                    p.started_on for p in placements if p.placement_type in FOSTERING_FOR_ADOPTION_PLACEMENTS
                ),
            ]
        )
        sheet.person_ids.add(decision.person_id)
    return sheet


def list_11_adopters(w: Windows) -> AnnexList:
    sheet = AnnexList(
        11,
        "Adopters",
        [
            "Individual adopter identifier",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Disability",
            "Is the (prospective) adopter fostering for adoption?",
            "Date enquiry received",
            "Date Stage 1 started",
            "Date Stage 1 ended",
            "Date Stage 2 started",
            "Date Stage 2 ended",
            "Date application submitted",
            "Date application approved",
            "Date adopter matched with child(ren)",
            "Date child/children placed with adopter(s)",
            "No. of children placed",
            "Date of Adoption Order",
            "Date of leaving adoption process",
            "Reason for leaving adoption process",
        ],
        child_ids=False,
    )
    sheet.notes.append(
        "Adoption enquiry and stage 1/2 dates are not recorded in Safehub yet; the household's first "
        "recording (or approval, if earlier) stands for the enquiry date."
    )
    households = [
        h
        for h in CarerHousehold.objects.filter(kind=HouseholdKind.ADOPTERS)
        .prefetch_related("carers__person")
        .order_by("reference")
        # In contact in the previous 12 months: recorded by the inspection date, not ended before the window.
        if _first_known(h) <= w.as_at and (h.ended_on is None or h.ended_on >= w.twelve_months)
    ]
    ids = [h.pk for h in households]
    decisions = list(AdoptionDecision.objects.filter(household_id__in=ids, decided_on__lte=w.as_at))
    placements = list(
        Placement.objects.filter(household_id__in=ids, started_on__lte=w.as_at).values_list(
            "household_id", "person_id", "started_on"
        )
    )
    placed_children = {p for _, p, _ in placements}
    orders = list(
        PermanenceOrder.objects.filter(
            person_id__in=placed_children, kind=PermanenceOrderKind.ADOPTION, made_on__lte=w.as_at
        ).values_list("person_id", "made_on")
    )
    for household in households:
        mine = [d for d in decisions if d.household_id == household.pk]
        placed = [(person, started) for h, person, started in placements if h == household.pk]
        children = {person for person, _ in placed}
        ended = w.known(household.ended_on)
        for carer in household.carers.all():
            person = carer.person
            sheet.rows.append(
                [
                    str(person.pk),
                    household.reference,
                    gender_label(person.sex),
                    ethnicity_label(person.ethnicity),
                    DisabilityOf(person.pk),
                    yes_no(any(d.fostered_by_adopters for d in mine)),
                    _first_known(household),
                    None,
                    None,
                    None,
                    None,
                    None,
                    w.known(household.approved_on),
                    _first(w.known(d.matched_on) for d in mine),
                    _first(started for _, started in placed),
                    len(children),
                    _first(made for child, made in orders if child in children),
                    ended,
                    household.end_reason if ended else "",
                ]
            )
            sheet.person_ids.add(person.pk)
    return sheet
