"""One child's document for the DfE children's social care API (spec v0.7/0.8, STATUTORY.md §5).

The shape is the DfE's: `la_code` and a `Children` object with the child's ids, `child_details`,
`health_and_wellbeing` and `social_care_episodes`. The spec names each item's id after its block
(`child_and_family_assessment_id`, `child_protection_plan_id` …); STATUTORY.md abbreviates those to
`id`. Codes are the CIN census and SSDA903 codes Safehub already records. Episodes are referrals;
a period of care hangs off the referral open when it began, or stands as its own episode (id = the
period's id) when the child came into care with no referral on the record (imported history).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q

from safehub.casework.models import Allocation
from safehub.child_protection.constants import ConferenceKind, Section47Outcome
from safehub.child_protection.models import Conference, Referral
from safehub.looked_after.constants import ADOPTION_PLACEMENTS
from safehub.looked_after.episodes import derive_episodes
from safehub.looked_after.models import (
    AdoptionDecision,
    CareLeaverContact,
    LookedAfterPeriod,
    SdqScore,
    UascStatus,
)
from safehub.people.constants import AddressKind, IdentifierKind
from safehub.people.models import Person

from ..cin.builder import census_disabilities

# The DfE sex codes from 2024-25 (CIN `Sex`): Safehub's 1/2 and everything else as not known.
_SEX = {"1": "M", "2": "F"}
# The oldest young person in the cohort: care leavers are supported to 25 (STATUTORY.md §5).
MAX_AGE = 25


def window_start(today: date) -> date:
    """The start of the financial year that was running 24 months before `today`."""
    back = today - relativedelta(months=24)
    return date(back.year if back.month >= 4 else back.year - 1, 4, 1)


def cohort(today: date) -> list[Person]:
    """Children and young people aged 25 or under at some point in the window, with social care
    activity (a referral, a period of care or care-leaver support) in it; unborn children count when
    their expected date of birth falls in the window. Merged-away records are never sent."""
    start = window_start(today)
    active = (
        Q(referrals__referral_date__lte=today)
        & (Q(referrals__closed_on__isnull=True) | Q(referrals__closed_on__gte=start))
    ) | (
        Q(care_periods__started_on__lte=today)
        & (Q(care_periods__ended_on__isnull=True) | Q(care_periods__ended_on__gte=start))
    )
    leaving = Q(care_leaver_records__started_on__lte=today) & (
        Q(care_leaver_records__ended_on__isnull=True) | Q(care_leaver_records__ended_on__gte=start)
    )
    young = Q(date_of_birth__gt=start - relativedelta(years=MAX_AGE + 1)) | Q(
        date_of_birth__isnull=True,
        expected_date_of_birth__gte=start,
        expected_date_of_birth__lte=today,
    )
    ids = Person.objects.filter(merged_into__isnull=True).filter(young).filter(active | leaving).values("pk")
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _child_details(person: Any) -> dict[str, Any]:
    identifiers = dict(
        person.identifiers.filter(
            kind__in=[IdentifierKind.UPN, IdentifierKind.FORMER_UPN], valid=True, removed_at__isnull=True
        ).values_list("kind", "value")
    )
    home = (
        person.addresses.filter(kind=AddressKind.HOME, valid_to__isnull=True)
        .select_related("address")
        .order_by("-valid_from")
        .first()
    )
    uasc = UascStatus.objects.filter(person=person).first()
    return {
        "unique_pupil_number": identifiers.get(IdentifierKind.UPN),
        "former_unique_pupil_number": identifiers.get(IdentifierKind.FORMER_UPN),
        # Not recorded in Safehub yet (the CIN UPNunknown code).
        "unique_pupil_number_unknown_reason": None,
        "first_name": person.given_name,
        "surname": person.family_name,
        "date_of_birth": _iso(person.date_of_birth),
        "expected_date_of_birth": _iso(person.expected_date_of_birth),
        "sex": _SEX.get(person.sex, "U"),
        "ethnicity": person.ethnicity or None,
        # The current codes as the CIN census sends them (NONE only alone); none recorded is an
        # empty list, never a guessed "NONE".
        "disabilities": list(
            census_disabilities(
                set(person.disabilities.filter(removed_at__isnull=True).values_list("code", flat=True))
            )
        ),
        "postcode": home.address.postcode if home and home.address.postcode else None,
        "uasc_flag": uasc is not None,
        "uasc_end_date": _iso(uasc.ceased_on) if uasc else None,
        "purge": False,
    }


def _workers(involvement_ids: Iterable[UUID]) -> list[dict[str, Any]]:
    return [
        {
            "worker_id": str(a.worker_id),
            "start_date": _iso(a.started_on),
            "end_date": _iso(a.ended_on),
        }
        for a in Allocation.objects.filter(
            involvement_id__in=list(involvement_ids), worker__isnull=False
        ).order_by("started_on", "pk")
    ]


def _icpc_dates(referral: Any) -> dict[Any, date]:
    return {
        s47: held
        for s47, held in Conference.objects.filter(
            referral=referral, kind=ConferenceKind.INITIAL, held_on__isnull=False
        ).values_list("section47_id", "held_on")
        if s47 and held
    }


def _referral_episode(referral: Any) -> dict[str, Any]:
    icpc = _icpc_dates(referral)
    s47s = []
    for enquiry in referral.section47_enquiries.order_by("started_on", "pk"):
        required = None
        if enquiry.outcome:
            required = enquiry.outcome == Section47Outcome.CONFERENCE
        s47s.append(
            {
                "section_47_assessment_id": str(enquiry.pk),
                "start_date": _iso(enquiry.started_on),
                "icpc_required_flag": required,
                "icpc_date": _iso(icpc.get(enquiry.pk)),
                "end_date": _iso(enquiry.completed_on),
                "purge": False,
            }
        )
    return {
        "social_care_episode_id": str(referral.pk),
        "referral_date": _iso(referral.referral_date),
        "referral_source": referral.source or None,
        "referral_no_further_action_flag": referral.nfa,
        "closure_date": _iso(referral.closed_on),
        "closure_reason": referral.closure_reason or None,
        "care_worker_details": _workers([referral.involvement_id]),
        "child_and_family_assessments": [
            {
                "child_and_family_assessment_id": str(a.pk),
                "start_date": _iso(a.started_on),
                "authorisation_date": _iso(a.authorised_on),
                "factors": list(a.factors or []),
                "purge": False,
            }
            for a in referral.assessments.order_by("started_on", "pk")
        ],
        "child_in_need_plans": [
            {
                "child_in_need_plan_id": str(p.pk),
                "start_date": _iso(p.started_on),
                "end_date": _iso(p.ended_on),
                "purge": False,
            }
            for p in referral.cin_plans.order_by("started_on", "pk")
        ],
        "section_47_assessments": s47s,
        "child_protection_plans": [
            {
                "child_protection_plan_id": str(p.pk),
                "start_date": _iso(p.started_on),
                "end_date": _iso(p.ended_on),
                "purge": False,
            }
            for p in referral.cp_plans.order_by("started_on", "pk")
        ],
        "child_looked_after_placements": [],
        "purge": False,
    }


def _own_episode(episode_id: Any, started: date, involvement_id: UUID) -> dict[str, Any]:
    """An episode for care (or leaving-care support) with no referral on the record."""
    return {
        "social_care_episode_id": str(episode_id),
        "referral_date": _iso(started),
        "referral_source": None,
        "referral_no_further_action_flag": False,
        "closure_date": None,
        "closure_reason": None,
        "care_worker_details": _workers([involvement_id]),
        "child_and_family_assessments": [],
        "child_in_need_plans": [],
        "section_47_assessments": [],
        "child_protection_plans": [],
        "child_looked_after_placements": [],
        "purge": False,
    }


def _placements(period: Any) -> list[dict[str, Any]]:
    """One item per SSDA903 episode derived from the period's legal statuses and placements."""
    episodes = derive_episodes(
        period,
        list(period.legal_statuses.order_by("started_on", "created_at")),
        list(period.placements.order_by("started_on", "created_at")),
    )
    return [
        {
            "child_looked_after_placement_id": f"{period.pk}-{e.decom:%Y%m%d}",
            "start_date": _iso(e.decom),
            "start_reason": e.rne,
            "placement_type": e.placement_type or None,
            "postcode": e.placement_postcode or None,
            "end_date": _iso(e.dec),
            "end_reason": e.rec or None,
            "change_reason": e.reason_place_change or None,
            "purge": False,
        }
        for e in episodes
    ]


def _adoption(period: Any) -> dict[str, Any] | None:
    decision = AdoptionDecision.objects.filter(period=period).order_by("-decided_on").first()
    if decision is None:
        return None
    placed = (
        period.placements.filter(placement_type__in=ADOPTION_PLACEMENTS, started_on__gte=decision.decided_on)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return {
        "initial_decision_date": _iso(decision.decided_on),
        "matched_date": _iso(decision.matched_on),
        "placed_date": _iso(placed),
        "purge": False,
    }


def _holder(episodes: list[dict[str, Any]], referrals: list[Any], started: date) -> dict[str, Any] | None:
    """The referral episode open on `started` (else the last one begun before it)."""
    chosen = None
    for referral, episode in zip(referrals, episodes, strict=False):
        if referral.referral_date <= started and (
            referral.closed_on is None or referral.closed_on >= started
        ):
            chosen = episode
    if chosen is None:
        before = [e for r, e in zip(referrals, episodes, strict=False) if r.referral_date <= started]
        chosen = before[-1] if before else None
    return chosen


def social_care_episodes(person: Any) -> list[dict[str, Any]]:
    referrals = list(Referral.objects.filter(person=person).order_by("referral_date", "pk"))
    episodes = [_referral_episode(r) for r in referrals]
    referral_episodes = list(episodes)
    last_care: dict[str, Any] | None = None
    for period in LookedAfterPeriod.objects.filter(person=person).order_by("started_on", "pk"):
        holder = _holder(referral_episodes, referrals, period.started_on)
        if holder is None:
            holder = _own_episode(period.pk, period.started_on, period.involvement_id)
            episodes.append(holder)
        else:
            holder["care_worker_details"].extend(_workers([period.involvement_id]))
        holder["child_looked_after_placements"].extend(_placements(period))
        adoption = _adoption(period)
        if adoption:
            holder["adoption"] = adoption
        last_care = holder
    contact = (
        CareLeaverContact.objects.filter(care_leaver__person=person)
        .select_related("care_leaver")
        .order_by("contact_on", "created_at")
        .last()
    )
    if contact is not None:
        holder = last_care or (episodes[-1] if episodes else None)
        if holder is None:
            leaver = contact.care_leaver
            holder = _own_episode(leaver.pk, leaver.started_on, leaver.involvement_id)
            episodes.append(holder)
        holder["care_leavers"] = {
            "contact_date": _iso(contact.contact_on),
            "activity": contact.activity or None,
            "accommodation": contact.accommodation or None,
            "purge": False,
        }
    return sorted(episodes, key=lambda e: (e["referral_date"] or "", e["social_care_episode_id"]))


def child_payload(person: Any, *, child_id: str) -> dict[str, Any]:
    """The full document for one child (`child_id`: their return id, `child_ids_for`)."""
    sdq = [
        {"date": _iso(s.recorded_on), "score": s.score}
        for s in SdqScore.objects.filter(period__person=person, score__isnull=False).order_by(
            "recorded_on", "pk"
        )
    ]
    return {
        "la_code": settings.SAFEHUB_LA_CODE,
        "Children": {
            "la_child_id": child_id,
            "mis_child_id": str(person.pk),
            "purge": False,
            "child_details": _child_details(person),
            "health_and_wellbeing": {"sdq_assessments": sdq, "purge": False},
            "social_care_episodes": social_care_episodes(person),
        },
    }
