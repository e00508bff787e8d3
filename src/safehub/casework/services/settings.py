"""A council's local timescales and caseload weights (issue 5, items 2 and 4).

Changing a local timescale moves the due dates of every open task that depends on it: after the
change commits, the recompute hooks the services register (`casework.recompute`) run, so no task
list shows a date computed from the old value.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import PermissionRefused

from ..constants import CaseLevel, LocalTimescale, TimescaleUnit
from ..models import CaseloadWeight, TimescaleSetting

AMOUNT_MIN, AMOUNT_MAX = 1, 365
# The longest each local timescale may be set to, in calendar days, whatever the unit. A local
# setting can make a visit more frequent than the default, never so rare that the clock stops
# meaning anything: one mistaken (or careless) entry would otherwise silence every visit task in
# the council ("every 365 months"). The ceilings follow common local procedures: CP visits at
# least every 4 weeks, CIN visits every 8 weeks, CIN plan reviews every 6 months, core groups every
# 3 months; "due soon" at most a month ahead.
LOCAL_MAXIMUM_DAYS: dict[str, int] = {
    LocalTimescale.CP_VISIT: 28,
    LocalTimescale.CIN_VISIT: 56,
    LocalTimescale.CIN_PLAN_REVIEW: 184,
    LocalTimescale.CORE_GROUP: 92,
    LocalTimescale.DUE_SOON: 31,
    # Early help: an assessment within 3 months, a first TAF within 2, plan reviews at least
    # every 3 months (a plan unreviewed for longer is drift, which reviews of early help find).
    LocalTimescale.EH_ASSESSMENT: 92,
    LocalTimescale.EH_FIRST_TAF: 61,
    LocalTimescale.EH_PLAN_REVIEW: 92,
}
_DAYS_PER_UNIT: dict[str, float] = {
    TimescaleUnit.WORKING_DAYS: 7 / 5,
    TimescaleUnit.DAYS: 1,
    TimescaleUnit.WEEKS: 7,
    TimescaleUnit.MONTHS: 30.5,
}


def _ceiling_words(key: str) -> str:
    days = LOCAL_MAXIMUM_DAYS[key]
    if days % 28 == 0:
        return f"{days // 7} weeks"
    if days >= 90:
        return f"{round(days / 30.5)} months"
    return f"{days} days"


WEIGHT_MAX = Decimal("5")
REASON_MAX = 300


def _require(actor: Any) -> None:
    if not actor.has_capability(Capability.MANAGE_CASE_SETTINGS):
        raise PermissionRefused("Changing case settings needs the manage case settings function.")


def _reason_errors(reason: str) -> list[str]:
    if not reason.strip():
        return ["Say why you are changing it."]
    if len(reason.strip()) > REASON_MAX:
        return [f"The reason must be {REASON_MAX} characters or fewer."]
    return []


def _recompute_due_dates() -> None:
    # Imported here: `recompute` collects hooks from the services above casework at start-up.
    from .. import recompute

    recompute.recompute_all()


def timescale_setting_change(
    *, actor: Any, key: str, amount: int | None, unit: str, reason: str
) -> TimescaleSetting:
    """Set a local timescale (a visit frequency, the CIN plan review interval, "due soon").

    Statutory timescales are not settings: they are fixed in code with their source.
    """
    _require(actor)
    errors: dict[str, list[str]] = {}
    if key not in LocalTimescale.values:
        errors["key"] = ["Choose a local timescale."]
    if unit not in TimescaleUnit.values:
        errors["unit"] = ["Choose working days, days, weeks or months."]
    if amount is None:
        errors["amount"] = ["Enter how many."]
    elif not AMOUNT_MIN <= amount <= AMOUNT_MAX:
        errors["amount"] = [f"Enter a whole number from {AMOUNT_MIN} to {AMOUNT_MAX}."]
    elif (
        key in LOCAL_MAXIMUM_DAYS
        and unit in _DAYS_PER_UNIT
        and amount * _DAYS_PER_UNIT[unit] > LOCAL_MAXIMUM_DAYS[key]
    ):
        label = LocalTimescale(key).label.lower()
        errors["amount"] = [f"{label.capitalize()} can be set to at most {_ceiling_words(key)}."]
    if reason_errors := _reason_errors(reason):
        errors["reason"] = reason_errors
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    with transaction.atomic():
        setting = TimescaleSetting.objects.select_for_update().filter(key=key).first()
        if setting is None:
            setting = TimescaleSetting(key=key)
        setting.amount, setting.unit = amount, unit
        setting.reason = reason.strip()
        setting.updated_by = actor
        setting.full_clean()
        setting.save()
        record_event(
            actor=actor, verb=Verb.UPDATE, target=setting, section="timescale", reason="timescale_change"
        )
        if key != LocalTimescale.DUE_SOON:  # "due soon" moves no due date, only what a list highlights
            transaction.on_commit(_recompute_due_dates)
    return setting


def caseload_weight_change(
    *, actor: Any, level: str, weight: Decimal | str | None, reason: str
) -> CaseloadWeight:
    """Set how much a case at `level` counts in a worker's weighted caseload (more than 0, at most 5)."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    if level not in CaseLevel.values:
        errors["level"] = ["Choose a case level."]
    value: Decimal | None = None
    try:
        value = Decimal(str(weight)) if weight is not None and str(weight).strip() else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors["weight"] = ["Enter the weight as a number, for example 1.5."]
    elif not Decimal("0") < value <= WEIGHT_MAX:
        errors["weight"] = [f"Enter a weight more than 0 and no more than {WEIGHT_MAX}."]
    elif value != value.quantize(Decimal("0.01")):
        errors["weight"] = ["Enter the weight to no more than 2 decimal places, for example 1.25."]
    if reason_errors := _reason_errors(reason):
        errors["reason"] = reason_errors
    if errors:
        raise ValidationError(errors)
    assert value is not None
    with transaction.atomic():
        row = CaseloadWeight.objects.select_for_update().filter(level=level).first()
        if row is None:
            row = CaseloadWeight(level=level)
        row.weight = value
        row.reason = reason.strip()
        row.updated_by = actor
        row.full_clean()
        row.save()
        # The typed reason stays on the row; the audit event gets a fixed code only (R27).
        record_event(
            actor=actor, verb=Verb.UPDATE, target=row, section="caseload_weight", reason="weight_change"
        )
    return row
