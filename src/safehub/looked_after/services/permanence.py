"""Permanence: the adoption decision, match and its ceasing; adoption, special guardianship and child
arrangements orders; previous permanence; sibling placement decisions (issue 6, item 6).

These are management decisions (policy action `manage`). The checks mirror the 903 PlacedAdoption,
AD1 and PrevPerm tables so the return needs no after-the-fact fixing.
"""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.constants import RelationshipKind
from safehub.people.models import Person
from safehub.people.selectors import relationship_sides
from safehub.platform.locking import save_versioned

from ..clocks import period_clocks_sync
from ..constants import (
    ADOPTER_LEGAL_STATUS_LIST,
    ADOPTER_SEX_LIST,
    ADOPTION_CEASED_LIST,
    ADOPTION_PLACEMENTS,
    PREVIOUS_PERMANENCE_LIST,
    ApprovalStatus,
    HouseholdKind,
    PermanenceOrderKind,
    SiblingDecision,
)
from ..models import (
    AdoptionDecision,
    CarerHousehold,
    LookedAfterPeriod,
    PermanenceOrder,
    Placement,
    SiblingPlacementDecision,
)
from ..policies import care_policy, household_policy
from ._rules import (
    Errors,
    _d,
    add,
    check_code,
    check_date,
    check_not_after,
    check_not_before,
    check_open,
    codes,
)

# 903 NB_ADOPTR must agree with SEX_ADOPTR: one adopter (M1, F1) or a couple (MM, FF, MF).
ADOPTER_COUNT_FOR_SEX = {"M1": 1, "F1": 1, "MM": 2, "FF": 2, "MF": 2}
# LS_ADOPTR must agree with SEX_ADOPTR (903 rules 517, 518, 520, 524): which sexes each status allows,
# and how to say so.
ADOPTER_SEX_FOR_STATUS: dict[str, tuple[frozenset[str], str]] = {
    "L0": (frozenset({"M1", "F1"}), "one adopter"),
    "L11": (frozenset({"MF"}), "a couple of different sex"),
    "L3": (frozenset({"MF"}), "a couple of different sex"),
    "L12": (frozenset({"MM", "FF"}), "a couple of the same sex"),
    "L4": (frozenset({"MM", "FF"}), "a couple of the same sex"),
    "L2": (frozenset({"MM", "FF", "MF"}), "a couple"),
}
# PREV_PERM Z1 (none) and P4 (unknown) have no order to date or place (903 PrevPerm).
NO_PREVIOUS_ORDER = frozenset({"Z1", "P4"})
# LA_PERM: an English local authority's 3-digit code, or outside England.
LA_PERM_PATTERN = re.compile(r"^(\d{3}|WAL|SCO|NIR|NUK)$")
FOSTER_KINDS = frozenset({HouseholdKind.MAINSTREAM_FOSTER, HouseholdKind.CONNECTED_PERSONS})
SIBLING_KINDS = (RelationshipKind.SIBLING, RelationshipKind.HALF_SIBLING)


def touch_period(period: LookedAfterPeriod, *, actor: Any, expected_version: int | None = None) -> None:
    """R49: a write under a period bumps the period's version, inside the caller's transaction.

    On a fresh copy, so a stale instance in the caller cannot write old values back. Given
    `expected_version` (the period's version when the form was opened), a period changed since,
    ended included, is a ConflictError naming who changed it. The row is then held until the
    caller's transaction ends, so the closed-period check on the fresh copy cannot race an ending.
    """
    current = LookedAfterPeriod.objects.get(pk=period.pk)
    save_versioned(
        current,
        expected_version=current.version if expected_version is None else expected_version,
        actor=actor,
    )
    errors: Errors = {}
    check_open(errors, current)
    if errors:
        raise ValidationError(errors)
    period.version = current.version


def _live_decision(person_id: Any) -> AdoptionDecision | None:
    return AdoptionDecision.objects.filter(person_id=person_id, ceased_on__isnull=True).first()


def _check_no_live_decision(errors: Errors, period: LookedAfterPeriod) -> None:
    live = _live_decision(period.person_id)
    if live is not None:
        add(
            errors,
            "decided_on",
            f"The decision of {_d(live.decided_on)} that the child should be placed for adoption still "
            "stands: record that it ceased before recording a new one.",
        )


def adoption_decision_record(
    *, actor: Any, period: LookedAfterPeriod, decided_on: date, expected_version: int | None = None
) -> AdoptionDecision:
    """The agency decision maker's decision that the child should be placed for adoption (903
    PlacedAdoption DATE_PLACED). One decision stands at a time (also a database constraint).
    `expected_version` is the period's version when the form was opened (R49).
    """
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    check_open(errors, period)
    check_date(errors, period, "decided_on", decided_on, label="date of the decision")
    _check_no_live_decision(errors, period)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            touch_period(period, actor=actor, expected_version=expected_version)
            decision = AdoptionDecision(
                period=period,
                person_id=period.person_id,
                decided_on=decided_on,
                recorded_by=actor,
                updated_by=actor,
            )
            decision.full_clean()
            decision.save()
            record_event(actor=actor, verb=Verb.CREATE, target=decision, section="adoption_decision")
            period_clocks_sync(period=period, done_by=actor)
    except IntegrityError:
        # Two quick submits: the other decision was saved after our check.
        _check_no_live_decision(errors, period)
        if errors:
            raise ValidationError(errors) from None
        raise
    return decision


def _check_live(errors: Errors, decision: AdoptionDecision) -> None:
    if decision.ceased_on is not None:
        add(
            errors,
            "__all__",
            f"This decision ceased on {_d(decision.ceased_on)}: nothing more is recorded on it.",
        )


def _check_household(
    errors: Errors, actor: Any, household: CarerHousehold | None, fostered_by_adopters: bool, on: date | None
) -> None:
    """The match is with approved adopters, or with foster carers approved as adopters who foster the
    child first (fostering for adoption, 903 FOSTER_CARE)."""
    if household is None or not household_policy.can(actor, "view", household):
        add(errors, "household", "Choose the adopters from the list.")
        return
    if household.kind != HouseholdKind.ADOPTERS and not (
        household.kind in FOSTER_KINDS and fostered_by_adopters
    ):
        add(
            errors,
            "household",
            f"{household} are not adopters: choose an adoptive household, or foster carers who are "
            "fostering the child for adoption (and answer yes to that question).",
        )
    if household.status != ApprovalStatus.APPROVED:
        add(errors, "household", f"{household} are not approved: a match is made only with approved carers.")
    elif on is not None and household.approved_on is not None and household.approved_on > on:
        add(
            errors, "household", f"{household} were approved on {_d(household.approved_on)}, after the match."
        )


def _check_listed(errors: Errors, field: str, value: str, key: str, *, what: str) -> None:
    if not value:
        add(errors, field, f"Choose {what}.")
    elif value not in codes(key):
        add(errors, field, f"Choose {what} from the list.")


def adoption_match_record(
    *,
    actor: Any,
    decision: AdoptionDecision,
    matched_on: date | None,
    household: CarerHousehold | None,
    adopter_count: int | None,
    adopter_sex: str,
    adopter_legal_status: str,
    fostered_by_adopters: bool,
    expected_version: int,
) -> AdoptionDecision:
    """Record the match of the child with adopters (903 AD1 DATE_MATCH, NB_ADOPTR, SEX_ADOPTR,
    LS_ADOPTR, FOSTER_CARE)."""
    period = decision.period
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    check_open(errors, period)
    _check_live(errors, decision)
    check_date(errors, period, "matched_on", matched_on, label="date of the match")
    check_not_before(
        errors,
        "matched_on",
        matched_on,
        decision.decided_on,
        label="date of the match",
        what="adoption decision",
    )
    _check_household(errors, actor, household, fostered_by_adopters, matched_on)
    _check_listed(errors, "adopter_sex", adopter_sex, ADOPTER_SEX_LIST, what="the adopters' sex")
    _check_listed(
        errors,
        "adopter_legal_status",
        adopter_legal_status,
        ADOPTER_LEGAL_STATUS_LIST,
        what="the adopters' legal status",
    )
    if adopter_count not in (1, 2):
        add(errors, "adopter_count", "Choose whether there is one adopter or two.")
    elif adopter_sex in ADOPTER_COUNT_FOR_SEX and ADOPTER_COUNT_FOR_SEX[adopter_sex] != adopter_count:
        expected = ADOPTER_COUNT_FOR_SEX[adopter_sex]
        add(
            errors,
            "adopter_count",
            f"The adopters' sex says {'one adopter' if expected == 1 else 'two adopters'}, but you chose "
            f"{'one' if adopter_count == 1 else 'two'}: make them agree.",
        )
    allowed = ADOPTER_SEX_FOR_STATUS.get(adopter_legal_status)
    if (
        allowed is not None
        and adopter_sex
        and adopter_sex not in allowed[0]
        and not errors.get("adopter_sex")
    ):
        add(
            errors,
            "adopter_legal_status",
            f"That legal status is for {allowed[1]}, which does not agree with the adopters' sex: "
            "correct one of them.",
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision.matched_on = matched_on
        decision.household = household
        decision.adopter_count = adopter_count
        decision.adopter_sex = adopter_sex
        decision.adopter_legal_status = adopter_legal_status
        decision.fostered_by_adopters = fostered_by_adopters
        save_versioned(decision, expected_version=expected_version, actor=actor)
        touch_period(period, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=decision, section="adoption_match")
        period_clocks_sync(period=period, done_by=actor)
    return decision


def adoption_decision_cease(
    *, actor: Any, decision: AdoptionDecision, ceased_on: date | None, reason: str, expected_version: int
) -> AdoptionDecision:
    """Record that the child should no longer be placed for adoption (903 DATE_PLACED_CEASED and
    REASON_PLACED_CEASED RD1-RD4)."""
    period = decision.period
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    check_open(errors, period)
    _check_live(errors, decision)
    check_date(errors, period, "ceased_on", ceased_on, label="date the decision ceased")
    check_not_before(
        errors, "ceased_on", ceased_on, decision.decided_on, label="date the decision ceased", what="decision"
    )
    check_code(errors, "reason", reason, ADOPTION_CEASED_LIST, label="reason")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision.ceased_on = ceased_on
        decision.ceased_reason = reason
        save_versioned(decision, expected_version=expected_version, actor=actor)
        touch_period(period, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=decision, section="adoption_cease", reason=reason)
        period_clocks_sync(period=period, done_by=actor)
    return decision


def placement_on(period: LookedAfterPeriod, day: date) -> Placement | None:
    """The placement the child was in on `day` (the later one on a day of change)."""
    return (
        period.placements.filter(started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("-started_on", "-created_at")
        .first()
    )


def _check_adoption_order(errors: Errors, period: LookedAfterPeriod, made_on: date | None) -> None:
    """An adoption order needs a standing decision and the child placed for adoption (A3-A6)."""
    if _live_decision(period.person_id) is None:
        add(
            errors,
            "kind",
            "There is no decision that the child should be placed for adoption: record the decision "
            "(and the match) before the adoption order.",
        )
    if made_on is not None:
        placement = placement_on(period, made_on)
        if placement is None or placement.placement_type not in ADOPTION_PLACEMENTS:
            add(
                errors,
                "kind",
                f"On {_d(made_on)} the child was not placed for adoption (placement A3 to A6): record the "
                "placement for adoption before the adoption order.",
            )
    if period.orders.filter(kind=PermanenceOrderKind.ADOPTION).exists():
        add(errors, "kind", "An adoption order is already recorded for this period of care.")


def permanence_order_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    kind: str,
    made_on: date,
    to_former_foster_carers: bool = False,
    carers_are_relatives: bool = False,
    consent_dispensed: bool = False,
    expected_version: int | None = None,
) -> PermanenceOrder:
    """Record an adoption, special guardianship or child arrangements order (what lets the period
    end with REC E11/E12, E45-E48 or E41). `expected_version`: the period's, as the form read it."""
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    check_open(errors, period)
    if kind not in PermanenceOrderKind.values:
        add(errors, "kind", "Choose the kind of order.")
    check_date(errors, period, "made_on", made_on, label="date the order was made")
    if kind == PermanenceOrderKind.ADOPTION:
        _check_adoption_order(errors, period, made_on if not errors.get("made_on") else None)
    elif consent_dispensed:
        add(errors, "consent_dispensed", "Consent is dispensed with only for an adoption order: answer no.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        touch_period(period, actor=actor, expected_version=expected_version)
        order = PermanenceOrder(
            period=period,
            person_id=period.person_id,
            kind=kind,
            made_on=made_on,
            to_former_foster_carers=to_former_foster_carers,
            carers_are_relatives=carers_are_relatives,
            consent_dispensed=consent_dispensed,
            recorded_by=actor,
            updated_by=actor,
        )
        order.full_clean()
        order.save()
        record_event(actor=actor, verb=Verb.CREATE, target=order, section="permanence_order", reason=kind)
        period_clocks_sync(period=period, done_by=actor)
    return order


def previous_permanence_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    previous_permanence: str,
    la: str,
    on: date | None,
    expected_version: int,
) -> LookedAfterPeriod:
    """The permanence the child had before this period (903 PrevPerm: PREV_PERM, LA_PERM, DATE_PERM).
    The authority and date are required unless there was none (Z1) or it is not known (P4)."""
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    check_open(errors, period)
    la = la.strip().upper()
    check_code(
        errors,
        "previous_permanence",
        previous_permanence,
        PREVIOUS_PERMANENCE_LIST,
        label="previous permanence",
    )
    if previous_permanence in NO_PREVIOUS_ORDER:
        if la or on is not None:
            add(
                errors,
                "la",
                "Leave the authority and the date blank when there was no order or it is not known.",
            )
    elif previous_permanence:
        if not la:
            add(
                errors,
                "la",
                "Enter the local authority that made the arrangement (its 3-digit code, or WAL, SCO, NIR or NUK).",
            )
        elif not LA_PERM_PATTERN.match(la):
            add(
                errors,
                "la",
                "Enter the authority as its 3-digit code, or WAL, SCO, NIR or NUK outside England.",
            )
        if on is None:
            add(errors, "on", "Enter the date of the order.")
    check_not_after(
        errors, "on", on, period.started_on, label="date of the order", what="start of this period of care"
    )
    check_not_before(
        errors, "on", on, period.person.date_of_birth, label="date of the order", what="child's birth"
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # A fresh copy: only these three fields change, whatever else the caller's instance holds.
        current = LookedAfterPeriod.objects.get(pk=period.pk)
        current.previous_permanence = previous_permanence
        current.previous_permanence_la = la
        current.previous_permanence_on = on
        save_versioned(current, expected_version=expected_version, actor=actor)
        check_open(errors, current)  # the row is held now: a stale caller's instance cannot hide an ending
        if errors:
            raise ValidationError(errors)
        period.previous_permanence, period.previous_permanence_la = previous_permanence, la
        period.previous_permanence_on, period.version = on, current.version
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="previous_permanence")
        period_clocks_sync(period=current, done_by=actor)
    return current


def sibling_ids(actor: Any, person: Person) -> set[Any]:
    """The people recorded as the child's brothers and sisters (full or half) whom the actor may see
    (R22: a restricted brother is neither offered nor accepted)."""
    return {
        side.other.pk for side in relationship_sides(actor=actor, person=person) if side.kind in SIBLING_KINDS
    }


def sibling_decision_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    decided_on: date,
    decision: str,
    siblings: list[Person],
    reason: str,
    expected_version: int | None = None,
) -> SiblingPlacementDecision:
    """Record the decision to place the child together with or apart from the brothers and sisters
    named (Care Planning Regulations 2010, reg. 8: placed together where practicable and consistent
    with welfare), and why. `expected_version`: the period's, as the form read it (R49)."""
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    check_open(errors, period)
    check_date(errors, period, "decided_on", decided_on, label="date of the decision")
    if decision not in SiblingDecision.values:
        add(errors, "decision", "Choose whether the child is to be placed together with or apart from them.")
    known = sibling_ids(actor, period.person)
    if not siblings:
        add(errors, "siblings", "Choose the brothers and sisters this decision is about.")
    for sibling in siblings:
        if sibling.pk not in known:
            add(
                errors,
                "siblings",
                "Choose only people recorded as the child's brothers or sisters: add the relationship on "
                "the child's record first.",
            )
            break
    if not reason.strip():
        add(errors, "reason", "Give the reasons for the decision.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        touch_period(period, actor=actor, expected_version=expected_version)
        row = SiblingPlacementDecision(
            period=period,
            decided_on=decided_on,
            decision=decision,
            reason=reason.strip(),
            recorded_by=actor,
            updated_by=actor,
        )
        row.full_clean()
        row.save()
        row.siblings.set(siblings)
        record_event(actor=actor, verb=Verb.CREATE, target=row, section="sibling_decision", reason=decision)
        period_clocks_sync(period=period, done_by=actor)
    return row
