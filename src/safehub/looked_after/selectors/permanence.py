"""Reads of missing episodes, UASC status and permanence (issue 6, items 4-6).

Pages reach these records through their period of care, loaded with `periods.period_get` through
the care policy (R19): a forbidden period is the same 404 as a missing one, and every form page
audits one view of the period with its own `section` (R27). The summaries below take a period already checked and audited
by the caller (the period page), so they neither check nor audit again.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from safehub.casework.policies import person_hidden
from safehub.people.models import Person
from safehub.people.selectors import relationship_sides
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import (
    ADOPTION_PLACEMENTS,
    ApprovalStatus,
    HouseholdKind,
    PermanenceOrderKind,
    SiblingDecision,
)
from ..models import (
    AdoptionDecision,
    CarerHousehold,
    LookedAfterPeriod,
    MissingEpisode,
    PermanenceOrder,
    Placement,
    SiblingPlacementDecision,
    UascStatus,
)
from ..policies import care_policy, household_policy
from .periods import period_get

SIBLING_KINDS = frozenset({"sibling", "half_sibling"})


# --- getters for the form pages -----------------------------------------------------------------


def missing_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> MissingEpisode:
    """A missing episode, checked through its period (a forbidden period is a 404)."""
    period_id = MissingEpisode.objects.filter(pk=id).values_list("period_id", flat=True).first()
    if period_id is None:
        raise NotFoundOrForbidden()
    period = period_get(actor=actor, id=period_id, action=action, section=section)
    episode = MissingEpisode.objects.get(pk=id)
    episode.period = period
    return episode


def adoption_decision_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> AdoptionDecision:
    """An adoption decision, checked through its period."""
    period_id = AdoptionDecision.objects.filter(pk=id).values_list("period_id", flat=True).first()
    if period_id is None:
        raise NotFoundOrForbidden()
    period = period_get(actor=actor, id=period_id, action=action, section=section)
    decision = AdoptionDecision.objects.select_related("household").get(pk=id)
    decision.period = period
    return decision


def uasc_for(person: Person) -> UascStatus | None:
    return UascStatus.objects.filter(person=person).first()


# --- summaries for the period page --------------------------------------------------------------


def missing_for(period: LookedAfterPeriod) -> list[MissingEpisode]:
    """The child's missing and away episodes in this period, latest first."""
    return list(period.missing_episodes.order_by("-started_on", "-created_at"))


@dataclass
class PermanenceSummary:
    decisions: list[AdoptionDecision]
    live_decision: AdoptionDecision | None
    placed_for_adoption_on: date | None
    orders: list[PermanenceOrder]
    previous_permanence: str
    previous_permanence_la: str
    previous_permanence_on: date | None
    adoption_placements: list[Placement] = field(default_factory=list)


def permanence_summary(period: LookedAfterPeriod) -> PermanenceSummary:
    decisions = list(
        period.adoption_decisions.select_related("household").order_by("-decided_on", "-created_at")
    )
    placements = list(
        period.placements.filter(placement_type__in=ADOPTION_PLACEMENTS).order_by("started_on", "created_at")
    )
    return PermanenceSummary(
        decisions=decisions,
        live_decision=next((d for d in decisions if d.ceased_on is None), None),
        placed_for_adoption_on=placements[0].started_on if placements else None,
        orders=list(period.orders.order_by("made_on", "created_at")),
        previous_permanence=period.previous_permanence,
        previous_permanence_la=period.previous_permanence_la,
        previous_permanence_on=period.previous_permanence_on,
        adoption_placements=placements,
    )


@dataclass
class SiblingRow:
    """A brother or sister of the child, looked after now, and whether they live together now."""

    person: Person
    kind: str
    together: bool | None  # None: one of them has no current placement to compare
    decision: SiblingPlacementDecision | None


def _together(mine: Placement | None, theirs: Placement | None) -> bool | None:
    if mine is None or theirs is None:
        return None
    if mine.household_id is not None and theirs.household_id is not None:
        return mine.household_id == theirs.household_id
    if mine.postcode and theirs.postcode:
        return mine.postcode.replace(" ", "").upper() == theirs.postcode.replace(" ", "").upper()
    return None


def siblings_in_care(*, actor: Any, period: LookedAfterPeriod) -> list[SiblingRow]:
    """The child's brothers and sisters (people relationships) who are looked after now, with
    whether they live in the same household (or at the same placement postcode) now, and the latest
    sibling decision naming them. People and periods the actor may not see are left out (R22).
    """
    sides = [s for s in relationship_sides(actor=actor, person=period.person) if s.kind in SIBLING_KINDS]
    if not sides:
        return []
    ids = [s.other.pk for s in sides]
    open_periods = care_policy.scope(actor, LookedAfterPeriod.objects.all(), "view").filter(
        person_id__in=ids, ended_on__isnull=True
    )
    in_care = set(open_periods.values_list("person_id", flat=True))
    current = {
        p.person_id: p
        for p in Placement.objects.filter(
            ended_on__isnull=True, period__ended_on__isnull=True, person_id__in=[*in_care, period.person_id]
        )
    }
    mine = current.get(period.person_id) if period.ended_on is None else None
    decisions: dict[Any, SiblingPlacementDecision] = {}
    rows = SiblingPlacementDecision.objects.filter(period__person_id=period.person_id).prefetch_related(
        "siblings"
    )
    for decision in rows.order_by("decided_on", "created_at"):
        for sibling in decision.siblings.all():
            decisions[sibling.pk] = decision  # later decisions replace earlier ones
    seen: set[Any] = set()
    out: list[SiblingRow] = []
    for side in sides:
        pid = side.other.pk
        if pid not in in_care or pid in seen:
            continue
        seen.add(pid)
        out.append(
            SiblingRow(
                person=side.other,
                kind=side.kind,
                together=_together(mine, current.get(pid)),
                decision=decisions.get(pid),
            )
        )
    return out


def sibling_choices(*, actor: Any, period: LookedAfterPeriod) -> list[Person]:
    """The brothers and sisters the actor may see, for the sibling decision form."""
    people: dict[Any, Person] = {}
    for side in relationship_sides(actor=actor, person=period.person):
        if side.kind in SIBLING_KINDS:
            people.setdefault(side.other.pk, side.other)
    return list(people.values())


def sibling_queryset(*, actor: Any, period: LookedAfterPeriod) -> QuerySet[Person]:
    """The same people as a queryset, for a multiple-choice field that validates against it."""
    ids = [p.pk for p in sibling_choices(actor=actor, period=period)]
    return Person.objects.filter(pk__in=ids).order_by("family_name", "given_name")


def match_households(*, actor: Any) -> QuerySet[CarerHousehold]:
    """Approved adopters, and approved foster carers (for fostering for adoption), the actor may see."""
    kinds = [HouseholdKind.ADOPTERS, HouseholdKind.MAINSTREAM_FOSTER, HouseholdKind.CONNECTED_PERSONS]
    qs = CarerHousehold.objects.filter(status=ApprovalStatus.APPROVED, kind__in=kinds)
    return household_policy.scope(actor, qs, "view").order_by("kind", "name")


def sibling_decisions(*, actor: Any, period: LookedAfterPeriod) -> list[SiblingPlacementDecision]:
    """The period's together-or-apart decisions, naming only the siblings `actor` may see: a
    brother or sister restricted or sealed since (adopted, say) is left out, not counted (R22)."""
    visible = Person.objects.exclude(pk__in=person_hidden(actor)).order_by("family_name", "given_name")
    return list(
        period.sibling_decisions.prefetch_related(Prefetch("siblings", queryset=visible)).order_by(
            "-decided_on", "-created_at"
        )
    )


# --- 903 rows (for the returns app, issue 7) ------------------------------------------------------


def placed_adoption_rows(period: LookedAfterPeriod) -> list[dict[str, Any]]:
    """903 PlacedAdoption: one row per decision that the child should be placed for adoption."""
    person = period.person
    return [
        {
            "CHILD": str(person.pk),
            "DOB": person.date_of_birth,
            "DATE_PLACED": d.decided_on,
            "DATE_PLACED_CEASED": d.ceased_on,
            "REASON_PLACED_CEASED": d.ceased_reason,
        }
        for d in period.adoption_decisions.order_by("decided_on", "created_at")
    ]


def ad1_row(period: LookedAfterPeriod) -> dict[str, Any] | None:
    """903 AD1, for a child adopted: the decision and match behind the adoption order. None when the
    period has no adoption order."""
    if not period.orders.filter(kind=PermanenceOrderKind.ADOPTION).exists():
        return None
    decision = (
        period.adoption_decisions.filter(ceased_on__isnull=True).first()
        or period.adoption_decisions.order_by("-decided_on").first()
    )
    person = period.person
    row: dict[str, Any] = {
        "CHILD": str(person.pk),
        "DOB": person.date_of_birth,
        "DATE_INT": None,
        "DATE_MATCH": None,
        "FOSTER_CARE": None,
        "NB_ADOPTR": None,
        "SEX_ADOPTR": "",
        "LS_ADOPTR": "",
    }
    if decision is not None:
        row.update(
            DATE_INT=decision.decided_on,
            DATE_MATCH=decision.matched_on,
            FOSTER_CARE=int(decision.fostered_by_adopters) if decision.matched_on else None,
            NB_ADOPTR=decision.adopter_count,
            SEX_ADOPTR=decision.adopter_sex,
            LS_ADOPTR=decision.adopter_legal_status,
        )
    return row


def sibling_decision_label(value: str) -> str:
    return SiblingDecision(value).label if value in SiblingDecision.values else value
