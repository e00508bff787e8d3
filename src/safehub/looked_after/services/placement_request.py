"""Placement requests: a child's social worker asks the placements team to find a home (issue 6,
item 8). Open requests are the "children needing placements" side of the sufficiency view.

A sibling group to be placed together is one request, raised on one of the children, so that the
group is one need in the figures. A second group request for a brother or sister of a child who
already has one open is refused; a request for a child to be placed alone is still allowed (that
is a separate need). Only brothers and sisters the actor may see are checked (R22): a hidden
sibling is not given away by the refusal, and a restricted child is not counted in the
sufficiency figures anyway.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.constants import RelationshipKind
from safehub.people.selectors import relationship_sides
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..clocks import period_clocks_sync
from ..constants import HouseholdKind, PlacementRequestStatus
from ..models import CarerHousehold, LookedAfterPeriod, PlacementRequest
from ..policies import care_policy, household_policy
from ..sufficiency import HouseholdRow, is_approved_on

Errors = dict[str, list[str]]
MAX_GROUP = 8
MAX_MILES = 500
SIBLING_KINDS = (RelationshipKind.SIBLING, RelationshipKind.HALF_SIBLING)
ALREADY_OPEN = "The child already has an open placement request, from {on}: close it before making another."


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _open_request(period: LookedAfterPeriod) -> PlacementRequest | None:
    return PlacementRequest.objects.filter(
        person_id=period.person_id, status=PlacementRequestStatus.OPEN
    ).first()


def _check_already_open(errors: Errors, period: LookedAfterPeriod) -> None:
    existing = _open_request(period)
    if existing is not None:
        _add(errors, "__all__", ALREADY_OPEN.format(on=_d(existing.requested_on)))


def _check_sibling_group(errors: Errors, actor: Any, period: LookedAfterPeriod) -> None:
    """A brother or sister (that the actor may see) already has an open request for a group."""
    siblings = {
        side.other.pk: side.other
        for side in relationship_sides(actor=actor, person=period.person)
        if side.kind in SIBLING_KINDS and side.is_current
    }
    if not siblings:
        return
    other = (
        PlacementRequest.objects.filter(
            person_id__in=list(siblings), status=PlacementRequestStatus.OPEN, sibling_group_size__gt=1
        )
        .order_by("requested_on")
        .first()
    )
    if other is None:
        return
    sibling = siblings[other.person_id]
    name = f"{sibling.given_name} {sibling.family_name}".strip()
    _add(
        errors,
        "sibling_group_size",
        f"{name}, this child's brother or sister, already has an open request for a group of "
        f"{other.sibling_group_size} children, from {_d(other.requested_on)}. One request covers the whole "
        "sibling group: do not make another. Enter 1 if this child is to be placed alone instead.",
    )


def _touch_period(period: LookedAfterPeriod, *, actor: Any) -> LookedAfterPeriod:
    """Lock the period row, then bump its version on a fresh copy (a stale instance in the caller
    cannot write old values back). Locked first, with no outer join, so PostgreSQL can lock it."""
    current = LookedAfterPeriod.objects.select_for_update().get(pk=period.pk)
    save_versioned(current, expected_version=current.version, actor=actor)
    period.version = current.version
    return current


def placement_request_create(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    requested_on: date | None,
    household_kind: str,
    sibling_group_size: int = 1,
    needed_by: date | None = None,
    max_distance_miles: int | None = None,
    needs: str = "",
) -> PlacementRequest:
    """Ask for a home for the child in this period of care. One open request per child at a time:
    a second would count the same child twice in the sufficiency figures."""
    care_policy.check(actor, "record", period)
    errors: Errors = {}
    today = clock.today()
    if period.ended_on is not None:
        _add(
            errors,
            "__all__",
            f"This period of care ended on {_d(period.ended_on)}: no placement can be requested in it.",
        )
    if requested_on is None:
        _add(errors, "requested_on", "Enter the date of the request.")
    else:
        if requested_on > today:
            _add(errors, "requested_on", "The date of the request cannot be in the future.")
        if requested_on < period.started_on:
            _add(
                errors,
                "requested_on",
                f"The request cannot be before the child became looked after on {_d(period.started_on)}.",
            )
        if needed_by is not None and needed_by < requested_on:
            _add(errors, "needed_by", "The date the home is needed by cannot be before the request.")
    if household_kind not in HouseholdKind.values:
        _add(errors, "household_kind", "Choose the kind of household the child needs.")
    if sibling_group_size is None or not 1 <= sibling_group_size <= MAX_GROUP:
        _add(
            errors,
            "sibling_group_size",
            f"Enter how many children need to live together, from 1 (this child alone) to {MAX_GROUP}.",
        )
    if max_distance_miles is not None and not 1 <= max_distance_miles <= MAX_MILES:
        _add(
            errors, "max_distance_miles", f"Enter a distance from 1 to {MAX_MILES} miles, or leave it blank."
        )
    _check_already_open(errors, period)
    if sibling_group_size is not None and sibling_group_size > 1:
        _check_sibling_group(errors, actor, period)
    if errors or requested_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        # R49: hold the period row and bump its version, so two writes under one period take
        # turns (the second sees the first's request) instead of colliding on an index.
        current = _touch_period(period, actor=actor)
        errors = {}
        if current.ended_on is not None:
            _add(
                errors,
                "__all__",
                f"This period of care ended on {_d(current.ended_on)}: no placement can be requested in it.",
            )
        _check_already_open(errors, period)
        if errors:
            raise ValidationError(errors)
        request = PlacementRequest(
            person_id=period.person_id,
            period=period,
            requested_on=requested_on,
            needed_by=needed_by,
            household_kind=household_kind,
            sibling_group_size=sibling_group_size,
            max_distance_miles=max_distance_miles,
            needs=needs.strip(),
            status=PlacementRequestStatus.OPEN,
            recorded_by=actor,
            updated_by=actor,
        )
        request.full_clean(validate_constraints=False)  # the database's unique index decides
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            # One open request per child (la_one_open_request_per_child): another was saved first.
            existing = _open_request(period)
            if existing is None:
                raise
            raise ValidationError({"__all__": [ALREADY_OPEN.format(on=_d(existing.requested_on))]}) from None
        record_event(
            actor=actor, verb=Verb.CREATE, target=request, section="placement_request", reason="created"
        )
        period_clocks_sync(period=period, done={}, done_by=actor)
    return request


def placement_request_close(
    *,
    actor: Any,
    request: PlacementRequest,
    status: str,
    closed_on: date | None,
    expected_version: int,
    household: CarerHousehold | None = None,
) -> PlacementRequest:
    """Close a request: a home was found (name the household) or it is no longer needed."""
    period = request.period
    if period is None:
        raise ValidationError({"__all__": ["This request is not under a period of care."]})
    care_policy.check(actor, "record", period)
    errors: Errors = {}
    today = clock.today()
    if request.status != PlacementRequestStatus.OPEN:
        _add(errors, "__all__", "This request is already closed.")
    if status not in (PlacementRequestStatus.FOUND, PlacementRequestStatus.WITHDRAWN):
        _add(errors, "status", "Choose whether a home was found or the request is no longer needed.")
    if closed_on is None:
        _add(errors, "closed_on", "Enter the date the request closed.")
    else:
        if closed_on > today:
            _add(errors, "closed_on", "The date the request closed cannot be in the future.")
        if closed_on < request.requested_on:
            _add(
                errors,
                "closed_on",
                f"The request cannot close before it was made on {_d(request.requested_on)}.",
            )
        if period.ended_on is not None and closed_on > period.ended_on:
            _add(errors, "closed_on", f"The request cannot close after care ended on {_d(period.ended_on)}.")
    if status == PlacementRequestStatus.FOUND:
        if household is None or not household_policy.can(actor, "view", household):
            _add(errors, "household", "Choose the household that will care for the child.")
        elif closed_on is not None:
            row = HouseholdRow(
                id=household.pk,
                kind=household.kind,
                status=household.status,
                approved_on=household.approved_on,
                ended_on=household.ended_on,
                in_area=household.in_area,
                age_from=household.age_from,
                age_to=household.age_to,
                places=household.places,
                sibling_group_max=household.sibling_group_max,
            )
            if not is_approved_on(row, closed_on, today=today):
                _add(
                    errors,
                    "household",
                    f"{household.name} was not approved on {_d(closed_on)}: choose an approved household.",
                )
    elif household is not None:
        household = None  # a withdrawn request names no household
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.status = status
        request.closed_on = closed_on
        request.household = household
        save_versioned(request, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=request, section="placement_request", reason=status
        )
        period_clocks_sync(period=period, done={}, done_by=actor)
    return request
