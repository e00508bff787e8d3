"""Local closures and openings: the council's changes to England's working-day calendar (R52).

Only a user with the `manage_calendar` capability may change them, every change is audited in
its own transaction, and only today or later can change: a clock that has already run was
measured against the calendar as it then stood, and must not move afterwards.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .. import auditing, clock
from ..calendar import WorkingCalendar, bank_holiday_name, calendar_changed
from ..errors import PermissionRefused
from ..models import LocalClosure
from ..models.calendar import DUPLICATE_DATE_MESSAGE

# platform sits below accounts, so it names the capability rather than importing Capability.
MANAGE_CALENDAR = "manage_calendar"


def local_closure_create(
    *, actor: Any, date: datetime.date, reason: str, kind: str = LocalClosure.Kind.CLOSURE
) -> LocalClosure:
    """Record a closure (a weekday that is not a working day) or an opening (the reverse)."""
    _check(actor)
    errors = _date_errors(date, kind)
    if errors:
        raise ValidationError({"date": errors})
    try:
        with transaction.atomic():
            closure = LocalClosure(date=date, kind=kind, reason=reason.strip(), updated_by=actor)
            closure.full_clean()
            closure.save()
            auditing.record(actor=actor, verb="create", target=closure, reason=closure.reason)
            transaction.on_commit(calendar_changed)
    except IntegrityError as exc:
        # Two administrators adding the same date at once: the unique index decides.
        raise ValidationError({"date": DUPLICATE_DATE_MESSAGE}) from exc
    return closure


def local_closure_delete(*, actor: Any, closure: LocalClosure) -> None:
    """Remove a closure or opening that has not yet passed."""
    _check(actor)
    if closure.date < clock.today():
        raise ValidationError(
            "This date has passed, so it cannot be removed: clocks that ran through it were measured with it."
        )
    with transaction.atomic():
        auditing.record(
            actor=actor,
            verb="delete",
            target=closure,
            reason=f"{closure.get_kind_display()} on {closure.date.isoformat()}: {closure.reason}",
        )
        closure.delete()
        transaction.on_commit(calendar_changed)


def _check(actor: Any) -> None:
    if not getattr(actor, "has_capability", None) or not actor.has_capability(MANAGE_CALENDAR):
        raise PermissionRefused("Only a system administrator can change local closures.")


def _date_errors(day: datetime.date, kind: str) -> list[str]:
    """Clear reasons a date cannot take this kind of entry, in the words shown at the field."""
    if day < clock.today():
        return ["The date must be today or in the future"]
    national = WorkingCalendar()
    when = f"{day:%A} {day.day} {day:%B %Y}"
    if kind == LocalClosure.Kind.CLOSURE and not national.is_working_day(day):
        holiday = bank_holiday_name(day)
        why = f"a bank holiday ({holiday})" if holiday else f"a {day:%A}"
        return [f"{when} is {why}, so it is already not a working day"]
    if kind == LocalClosure.Kind.OPENING and national.is_working_day(day):
        return [f"{when} is already a working day; an opening is for a weekend or bank holiday"]
    return []
