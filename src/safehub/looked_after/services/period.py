"""Periods of care: starting care, legal status changes, placement moves, ending care, the IRO
(issue 6, item 1). Workers record what happened; the 903 episodes follow (`episodes.py`), and
every service refuses a change after which they would not chain (the issue's "bad input").
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.services.involvement import involvement_close, involvement_open
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..clocks import period_clocks_sync
from ..constants import (
    LEGAL_STATUS_LIST,
    NEED_LIST,
)
from ..episodes import chain_problems, derive_episodes
from ..models import LegalStatus, LookedAfterPeriod, Placement
from ..policies import care_policy
from . import _rules
from ._ending import check_end_reason, withdraw_open_requests
from ._placement import (
    PlacementInput,
    check_placement,
    distance,
    household_lock_and_recheck,
    placement_change_reason_check,
)
from ._rules import Errors, _d, add


def _period_url(period_id: Any) -> str:
    try:
        return reverse("looked_after:period", args=[period_id])
    except NoReverseMatch:
        return ""


def check_chain(period: LookedAfterPeriod) -> None:
    """Refuse (inside the caller's transaction, so it rolls back) a record whose 903 episodes
    would not chain. Every service calls this after its write."""
    problems = chain_problems(
        derive_episodes(period, list(period.legal_statuses.all()), list(period.placements.all()))
    )
    if problems:
        raise ValidationError(
            {"__all__": ["This change would break the 903 episode chain: " + " ".join(problems)]}
        )


def _current_placement(period: LookedAfterPeriod) -> Placement | None:
    return period.placements.filter(ended_on__isnull=True).first()


def _hold_period(period: LookedAfterPeriod, *, actor: Any) -> None:
    """R49: hold and bump the period (a fresh copy, so a stale instance writes nothing back) so
    this write and another under the same period, each syncing its clocks, run one after the
    other instead of racing to a 500. Unlike `touch_period`, an ended period is fine: a past
    placement's details may still be corrected for the return."""
    current = LookedAfterPeriod.objects.get(pk=period.pk)
    save_versioned(current, expected_version=current.version, actor=actor)
    period.version = current.version


def _latest_legal_status(period: LookedAfterPeriod) -> LegalStatus | None:
    return period.legal_statuses.order_by("-started_on").first()


# --- start -----------------------------------------------------------------------------------------


def period_start(
    *,
    actor: Any,
    person: Person,
    started_on: date | None,
    legal_status: str,
    need_code: str,
    placement_type: str,
    provider: str = "",
    urn: str = "",
    placement_postcode: str = "",
    home_postcode: str = "",
    household: Any = None,
    carer_name: str = "",
    intended_until_18: bool = False,
) -> LookedAfterPeriod:
    """The child becomes looked after: the period, its first legal status and first placement, all
    on the same day (903 RNE S), and the casework involvement they hang on.
    """
    period = LookedAfterPeriod(person=person)
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    if person.merged_into_id is not None:
        add(
            errors,
            "__all__",
            "This record was merged into another child's record: record care on that record.",
        )
    if started_on is None:
        add(errors, "started_on", "Enter the date the child became looked after.")
    else:
        if started_on > clock.today():
            add(errors, "started_on", "The date the child became looked after cannot be in the future.")
        if person.date_of_birth is None:
            add(errors, "started_on", "Record the child's date of birth before they become looked after.")
        elif started_on < person.date_of_birth:
            add(
                errors,
                "started_on",
                f"Care cannot start before the child's date of birth, {_d(person.date_of_birth)}.",
            )
        last = person.care_periods.filter(ended_on__isnull=False).order_by("-ended_on").first()
        if last is not None and last.ended_on is not None and started_on < last.ended_on:
            add(
                errors,
                "started_on",
                f"The child's previous period of care ended on {_d(last.ended_on)}: "
                "a new one cannot start before that.",
            )
    current = person.care_periods.filter(ended_on__isnull=True).first()
    if current is not None:
        add(
            errors,
            "started_on",
            f"The child is already looked after, from {_d(current.started_on)}: "
            "record a change of legal status or placement on that period instead.",
        )
    _rules.check_code(errors, "legal_status", legal_status, LEGAL_STATUS_LIST, label="legal status")
    _rules.check_code(errors, "need_code", need_code, NEED_LIST, label="category of need")
    spec = PlacementInput(
        placement_type=placement_type,
        provider=provider,
        urn=urn,
        postcode=placement_postcode,
        household=household,
        carer_name=carer_name,
    )
    if started_on is not None:
        check_placement(errors, spec, started_on, actor=actor)
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    with transaction.atomic():
        period.involvement = involvement_open(
            actor=actor,
            person=person,
            service=CaseService.LOOKED_AFTER,
            level=CaseLevel.LOOKED_AFTER,
            title=f"Looked after from {started_on:%-d %B %Y}",
            opened_on=started_on,
            url=_period_url(period.pk),
        )
        period.started_on = started_on
        period.need_code = need_code
        period.home_postcode = home_postcode.strip().upper()
        period.recorded_by = actor
        period.updated_by = actor
        period.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():  # the database has the last word on "one open period"
                period.save()
        except IntegrityError:
            raise ValidationError(
                {"started_on": ["The child is already looked after: someone recorded it just now."]}
            ) from None
        status = LegalStatus(period=period, code=legal_status, started_on=started_on, recorded_by=actor)
        status.full_clean()
        status.save()
        household_lock_and_recheck(household, started_on, actor=actor)
        placement = spec.build(period=period, started_on=started_on, actor=actor)
        placement.intended_until_18 = intended_until_18
        placement.distance_miles = distance(period.home_postcode, placement.postcode)
        placement.full_clean()
        placement.save()
        record_event(actor=actor, verb=Verb.CREATE, target=period, section="period", reason="started")
        record_event(actor=actor, verb=Verb.CREATE, target=status, section="legal_status")
        record_event(actor=actor, verb=Verb.CREATE, target=placement, section="placement")
        check_chain(period)
        period_clocks_sync(period=period, done_by=actor)
    return period


# --- legal status -----------------------------------------------------------------------------------


def legal_status_change(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    changed_on: date | None,
    legal_status: str,
    expected_version: int,
) -> LegalStatus:
    """A new legal status from `changed_on` (903 RNE L, or B/U with a move the same day)."""
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    _rules.check_open(errors, period)
    _rules.check_date(errors, period, "changed_on", changed_on, label="date the legal status changed")
    _rules.check_code(errors, "legal_status", legal_status, LEGAL_STATUS_LIST, label="legal status")
    latest = _latest_legal_status(period)
    if latest is not None:
        if changed_on is not None and changed_on <= latest.started_on:
            add(
                errors,
                "changed_on",
                f"The legal status last changed on {_d(latest.started_on)}: a new one must start after that.",
            )
        if legal_status and legal_status == latest.code:
            add(
                errors,
                "legal_status",
                f"The child's legal status is already {latest.code}: choose the new one.",
            )
    placement = _current_placement(period)
    if placement is not None:
        _rules.check_not_before(
            errors,
            "changed_on",
            changed_on,
            placement.started_on,
            label="date",
            what="latest placement change",
        )
    if errors:
        raise ValidationError(errors)
    assert changed_on is not None
    with transaction.atomic():
        save_versioned(period, expected_version=expected_version, actor=actor)
        status = LegalStatus(period=period, code=legal_status, started_on=changed_on, recorded_by=actor)
        status.full_clean()
        status.save()
        record_event(actor=actor, verb=Verb.CREATE, target=status, section="legal_status")
        check_chain(period)
        period_clocks_sync(period=period, done_by=actor)
    return status


# --- placements ---------------------------------------------------------------------------------------


def placement_change(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    changed_on: date | None,
    reason: str,
    placement_type: str,
    provider: str = "",
    urn: str = "",
    placement_postcode: str = "",
    household: Any = None,
    carer_name: str = "",
    same_carers: bool = False,
    intended_until_18: bool = False,
    expected_version: int,
) -> Placement:
    """The child moves: the current placement ends on `changed_on` and the new one starts that day
    (no gap, no overlap). 903 RNE P or T (same carers), B or U with a legal change the same day.
    """
    care_policy.check(actor, "record", period)
    errors: Errors = {}
    _rules.check_open(errors, period)
    _rules.check_date(errors, period, "changed_on", changed_on, label="date the child moved")
    current = _current_placement(period)
    if current is None:
        add(errors, "__all__", "The child has no current placement to move from.")
    else:
        if changed_on is not None and changed_on <= current.started_on:
            add(
                errors,
                "changed_on",
                f"The current placement started on {_d(current.started_on)}: the move must be after that "
                "(to fix the current placement's details, correct it instead).",
            )
        placement_change_reason_check(errors, reason, current, placement_type)
    latest = _latest_legal_status(period)
    if latest is not None:
        _rules.check_not_before(
            errors,
            "changed_on",
            changed_on,
            latest.started_on,
            label="date",
            what="latest legal status change",
        )
    spec = PlacementInput(
        placement_type=placement_type,
        provider=provider,
        urn=urn,
        postcode=placement_postcode,
        household=household,
        carer_name=carer_name,
    )
    if changed_on is not None:
        check_placement(errors, spec, changed_on, actor=actor, moving_from=current)
    if errors:
        raise ValidationError(errors)
    assert changed_on is not None
    assert current is not None
    with transaction.atomic():
        save_versioned(period, expected_version=expected_version, actor=actor)
        household_lock_and_recheck(household, changed_on, actor=actor, moving_from=current)
        current.ended_on = changed_on
        # Kept even around a temporary placement; episodes.py leaves it out of the return (226).
        current.end_reason = reason
        current.updated_by = actor
        current.version += 1
        current.full_clean()
        current.save()
        placement = spec.build(period=period, started_on=changed_on, actor=actor)
        # Same carers is a fact about the households when both placements have one.
        if household is not None and current.household_id is not None:
            same_carers = household.pk == current.household_id
        placement.same_carers = same_carers
        placement.intended_until_18 = intended_until_18
        placement.distance_miles = distance(period.home_postcode, placement.postcode)
        placement.full_clean()
        placement.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="placement", reason="ended")
        record_event(actor=actor, verb=Verb.CREATE, target=placement, section="placement")
        check_chain(period)
        period_clocks_sync(period=period, done_by=actor)
    return placement


def placement_correct(
    *,
    actor: Any,
    placement: Placement,
    provider: str,
    urn: str,
    placement_postcode: str,
    carer_name: str,
    intended_until_18: bool,
    expected_version: int,
) -> Placement:
    """Correct a placement's details. Never its dates or type: those make episodes, and change only
    by a move (`placement_change`)."""
    period = placement.period
    care_policy.check(actor, "record", period)
    errors: Errors = {}
    spec = PlacementInput(
        placement_type=placement.placement_type,
        provider=provider,
        urn=urn,
        postcode=placement_postcode,
        household=None,
        carer_name=carer_name,
    )
    check_placement(errors, spec, placement.started_on, actor=actor, check_household=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _hold_period(period, actor=actor)
        placement.provider = provider
        placement.urn = urn.strip()
        placement.postcode = placement_postcode.strip().upper()
        placement.carer_name = carer_name.strip()
        placement.intended_until_18 = intended_until_18
        placement.distance_miles = distance(period.home_postcode, placement.postcode)
        save_versioned(placement, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=placement, section="placement", reason="corrected")
        check_chain(period)
        period_clocks_sync(period=period, done_by=actor)
    return placement


# --- end ----------------------------------------------------------------------------------------------


def period_end(
    *, actor: Any, period: LookedAfterPeriod, ended_on: date | None, reason: str, expected_version: int
) -> LookedAfterPeriod:
    """The child stops being looked after: the current placement and the period end, the
    involvement closes and its clocks are cancelled."""
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    _rules.check_open(errors, period)
    _rules.check_date(errors, period, "ended_on", ended_on, label="date care ended")
    latest = _latest_legal_status(period)
    current = _current_placement(period)
    for row, what in ((latest, "latest legal status change"), (current, "latest placement change")):
        if row is not None:
            _rules.check_not_before(errors, "ended_on", ended_on, row.started_on, label="end date", what=what)
    check_end_reason(errors, period, reason, ended_on)
    if errors:
        raise ValidationError(errors)
    assert ended_on is not None
    with transaction.atomic():
        period.ended_on = ended_on
        period.end_reason = reason
        save_versioned(period, expected_version=expected_version, actor=actor)
        if current is not None:
            current.ended_on = ended_on
            current.updated_by = actor
            current.version += 1
            current.full_clean()
            current.save()
            record_event(actor=actor, verb=Verb.UPDATE, target=current, section="placement", reason="ended")
        withdraw_open_requests(actor=actor, period=period, ended_on=ended_on)
        record_event(actor=actor, verb=Verb.UPDATE, target=period, section="period", reason=reason)
        check_chain(period)
        involvement_close(
            actor=actor,
            involvement=period.involvement,
            closed_on=ended_on,
            reason="The child stopped being looked after.",
        )
        period_clocks_sync(period=period, done_by=actor)
    return period


# --- IRO ------------------------------------------------------------------------------------------------


def iro_assign(
    *, actor: Any, period: LookedAfterPeriod, iro: Any, expected_version: int
) -> LookedAfterPeriod:
    """Name the child's independent reviewing officer (Care Planning Regulations 2010, reg 45)."""
    care_policy.check(actor, "manage", period)
    errors: Errors = {}
    _rules.check_open(errors, period)
    if iro is None:
        add(errors, "iro", "Choose the independent reviewing officer.")
    elif iro.role != Role.IRO or not iro.is_active:
        add(errors, "iro", "Choose someone who works as an independent reviewing officer.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        period.iro = iro
        save_versioned(period, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=period, section="period", reason="iro")
        check_chain(period)
        period_clocks_sync(period=period, done_by=actor)
    return period
