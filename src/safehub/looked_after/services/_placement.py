"""What a placement must say, checked the same way when care starts, when the child moves and when
a placement's details are corrected (903 rules 178, 225, 226 and the URN rules)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from safehub.reference_data.postcodes import distance_miles

from ..constants import (
    NO_PROVIDER_PLACEMENTS,
    PLACEMENT_CHANGE_REASON_LIST,
    PLACEMENT_TYPE_LIST,
    PROVIDER_LIST,
    TEMPORARY_PLACEMENTS,
    ApprovalStatus,
)
from ..models import CarerHousehold, LookedAfterPeriod, Placement
from ..policies import household_policy
from . import _rules
from ._rules import Errors, _d, add


@dataclass
class PlacementInput:
    placement_type: str
    provider: str
    urn: str
    postcode: str
    household: Any
    carer_name: str

    def build(self, *, period: LookedAfterPeriod, started_on: date, actor: Any) -> Placement:
        postcode = self.postcode.strip().upper()
        if not postcode and self.household is not None:
            postcode = self.household.postcode  # where the child lives is the household's address
        return Placement(
            period=period,
            person=period.person,
            started_on=started_on,
            placement_type=self.placement_type,
            provider=self.provider,
            urn=self.urn.strip(),
            postcode=postcode,
            household=self.household,
            carer_name=self.carer_name.strip(),
            recorded_by=actor,
            updated_by=actor,
        )


def distance(home_postcode: str, placement_postcode: str) -> Decimal | None:
    """Miles from home (903 PL_DISTANCE), when both postcodes are known."""
    if not home_postcode or not placement_postcode:
        return None
    return distance_miles(home_postcode, placement_postcode)


def places_taken(household: Any, on: date, *, excluding: Placement | None = None) -> int:
    """Children placed with the household on `on` (a placement ending that day has left)."""
    qs = Placement.objects.filter(household=household, started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.count()


def _check_household(
    errors: Errors, household: Any, on: date, moving_from: Placement | None, actor: Any
) -> None:
    """Approved on the day, visible to the actor, with a place free. A household the actor cannot
    see (R19, R22: a carer's record is restricted) gets the very message an unapproved one does, and
    neither names it, so the answer says nothing about a household the actor was never shown."""
    approved = (
        household.status == ApprovalStatus.APPROVED
        and household.approved_on is not None
        and household.approved_on <= on
        and (household.ended_on is None or household.ended_on > on)
    )
    if not approved or not household_policy.can(actor, "view", household):
        add(
            errors,
            "household",
            f"The household chosen is not an approved household on {_d(on)}: choose an approved "
            "household or record the carer by name.",
        )
        return
    if places_taken(household, on, excluding=moving_from) >= household.places:
        add(
            errors,
            "household",
            f"{household.name} has no free place on {_d(on)}: all {household.places} "
            "approved places are taken.",
        )


def household_lock_and_recheck(
    household: Any, on: date, *, actor: Any, moving_from: Placement | None = None
) -> None:
    """Inside the caller's transaction: hold the household's row, then count its places again, so
    two placements at once cannot both take its last place (the second waits, then sees it full)."""
    if household is None:
        return
    locked = CarerHousehold.objects.select_for_update().get(pk=household.pk)
    errors: Errors = {}
    _check_household(errors, locked, on, moving_from, actor)
    if errors:
        raise ValidationError(errors)


def check_placement(
    errors: Errors,
    spec: PlacementInput,
    on: date,
    *,
    actor: Any,
    moving_from: Placement | None = None,
    check_household: bool = True,
) -> None:
    """Type and provider from the 903 lists; no provider for temporary and "other" placements is
    fine (rule 178), otherwise one is needed; a URN only with a provider; a household approved with
    a place free on the day, and one the actor may see."""
    _rules.check_code(
        errors, "placement_type", spec.placement_type, PLACEMENT_TYPE_LIST, label="placement type"
    )
    provider_needed = bool(spec.placement_type) and spec.placement_type not in NO_PROVIDER_PLACEMENTS
    _rules.check_code(
        errors, "provider", spec.provider, PROVIDER_LIST, label="placement provider", required=provider_needed
    )
    if spec.urn.strip() and not spec.provider:
        add(
            errors,
            "urn",
            "An Ofsted URN is recorded only with a provider: choose the provider, or leave the URN blank.",
        )
    if spec.urn.strip() and not spec.urn.strip().isalnum():
        add(errors, "urn", "Enter the Ofsted URN using letters and numbers only, like SC123456.")
    if check_household and spec.household is not None:
        _check_household(errors, spec.household, on, moving_from, actor)


def placement_change_reason_check(
    errors: Errors, reason: str, current: Placement, new_placement_type: str
) -> None:
    """Why the placement ended (903 REASON_PLACE_CHANGE). Not needed when the child moves from or
    into a temporary placement (T0-T4): rule 226 wants none on either episode, and rule 225 asks
    for one only when the next placement is not temporary. One given then is kept, not emitted."""
    if not reason:
        temporary = (
            current.placement_type in TEMPORARY_PLACEMENTS or new_placement_type in TEMPORARY_PLACEMENTS
        )
        if not temporary:
            add(errors, "reason", "Choose why the child's placement ended.")
        return
    if reason not in _rules.codes(PLACEMENT_CHANGE_REASON_LIST):
        add(errors, "reason", "Choose a reason for the placement change from the list.")
