"""Why a period of care ended (903 REC): the codes that need an order on the record, and
staying put only at 18 or over (903 rules 356, 529 and the special guardianship rules), and what
ending care closes with it."""

from datetime import date
from typing import Any

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..constants import (
    ADOPTED_REASONS,
    CAO_REASONS,
    CEASED_REASON_LIST,
    CHAIN_REASON,
    SGO_REASONS,
    PermanenceOrderKind,
    PlacementRequestStatus,
)
from ..models import LookedAfterPeriod, PermanenceOrder, PlacementRequest
from . import _rules
from ._rules import Errors, _d, add

STAYING_PUT = "E17"
# 903 REC for each special guardianship order: (to former foster carers, carers are relatives).
SGO_REASON_FACTS = {
    "E45": (True, True),
    "E46": (True, False),
    "E47": (False, True),
    "E48": (False, False),
}


def check_end_reason(errors: Errors, period: LookedAfterPeriod, reason: str, ended_on: date | None) -> None:
    """The REC codes that need the order they name on the record (903 rules 356, 529 and the SGO
    rules), and staying put only at 18 or over."""
    if not reason:
        add(errors, "reason", "Choose why the child stopped being looked after.")
        return
    if reason == CHAIN_REASON:
        add(errors, "reason", "X1 is worked out from the next change, never chosen: choose why care ended.")
        return
    if reason not in _rules.codes(CEASED_REASON_LIST):
        add(errors, "reason", "Choose a reason from the list.")
        return
    if ended_on is None:
        return
    orders = PermanenceOrder.objects.filter(period=period, made_on__lte=ended_on)
    if reason in ADOPTED_REASONS:
        dispensed = reason == "E12"
        if not orders.filter(kind=PermanenceOrderKind.ADOPTION, consent_dispensed=dispensed).exists():
            consent = "with consent dispensed with" if dispensed else "made with consent"
            add(
                errors,
                "reason",
                f"{reason} needs an adoption order {consent}, made on or before {_d(ended_on)}: "
                "record the order under permanence first.",
            )
    elif reason in SGO_REASONS:
        former, relatives = SGO_REASON_FACTS[reason]
        if not orders.filter(
            kind=PermanenceOrderKind.SPECIAL_GUARDIANSHIP,
            to_former_foster_carers=former,
            carers_are_relatives=relatives,
        ).exists():
            add(
                errors,
                "reason",
                f"{reason} needs a special guardianship order to "
                f"{'former foster carers' if former else 'other carers'} who "
                f"{'are' if relatives else 'are not'} relatives or friends, made on or before {_d(ended_on)}: "
                "record the order under permanence first.",
            )
    elif reason in CAO_REASONS:
        if not orders.filter(kind=PermanenceOrderKind.CHILD_ARRANGEMENTS).exists():
            add(
                errors,
                "reason",
                f"{reason} needs a child arrangements order made on or before {_d(ended_on)}: "
                "record the order under permanence first.",
            )
    elif reason == STAYING_PUT:
        dob = period.person.date_of_birth
        if dob is None or ended_on < _birthday(dob, 18):
            add(errors, "reason", "Staying put (E17) is only for a young person aged 18 or over.")


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February: the birthday is 1 March in a common year
        return date(dob.year + years, 3, 1)


def withdraw_open_requests(*, actor: Any, period: LookedAfterPeriod, ended_on: date) -> None:
    """A child no longer looked after needs no placement: their open requests would otherwise stay
    in the sufficiency figures for ever. Each closes as no longer needed on the day care ended (or
    the day it was made, if that was later: a request cannot close before it was made)."""
    open_requests = PlacementRequest.objects.select_for_update().filter(
        period=period, status=PlacementRequestStatus.OPEN
    )
    for request in open_requests:
        request.status = PlacementRequestStatus.WITHDRAWN
        request.closed_on = max(ended_on, request.requested_on)
        request.household = None
        request.updated_by = actor
        request.version += 1
        request.full_clean()
        request.save()
        record_event(
            actor=actor,
            verb=Verb.UPDATE,
            target=request,
            section="placement_request",
            reason=PlacementRequestStatus.WITHDRAWN.value,
        )
