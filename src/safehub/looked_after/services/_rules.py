"""Date and code checks shared by every children in care service. Each names the 903 rule it
mirrors, so the return is clean without after-the-fact fixing. Other areas import these read-only.
"""

from datetime import date
from typing import Any

from safehub.platform import clock
from safehub.reference_data.selectors import code_choices

from ..models import LookedAfterPeriod

Errors = dict[str, list[str]]


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def codes(key: str, on: date | None = None) -> set[str]:
    """The codes of reference-data list `key` in use on `on` (today by default)."""
    return {code for code, _label in code_choices(key, on)}


def check_code(
    errors: Errors, field: str, value: str, key: str, *, label: str, required: bool = True
) -> None:
    """`value` is a code of list `key` (blank allowed when not `required`)."""
    if not value:
        if required:
            add(errors, field, f"Choose the {label}.")
        return
    if value not in codes(key):
        add(errors, field, f"Choose a {label} from the list.")


def check_open(errors: Errors, period: LookedAfterPeriod, field: str = "__all__") -> None:
    """Nothing new is recorded under a period that has ended (903: no episode after DEC)."""
    if period.ended_on is not None:
        add(
            errors,
            field,
            f"The child stopped being looked after on {_d(period.ended_on)}: nothing more is recorded "
            "on this period of care.",
        )


def check_date(
    errors: Errors,
    period: LookedAfterPeriod,
    field: str,
    day: date | None,
    *,
    label: str,
    future: bool = False,
) -> None:
    """A date of something under the period: present, not in the future (unless `future`, for a
    plan), not before the period started and not after it ended (903 rules 103, 104, 502).
    """
    if day is None:
        add(errors, field, f"Enter the {label}.")
        return
    if not future and day > clock.today():
        add(errors, field, f"The {label} cannot be in the future.")
    if day < period.started_on:
        add(
            errors,
            field,
            f"The {label} cannot be before the child became looked after on {_d(period.started_on)}.",
        )
    if period.ended_on is not None and day > period.ended_on:
        add(
            errors,
            field,
            f"The {label} cannot be after the child stopped being looked after on {_d(period.ended_on)}.",
        )


def check_not_before(
    errors: Errors, field: str, day: date | None, earlier: date | None, *, label: str, what: str
) -> None:
    """`day` (the `label`) is not before `earlier` (the date of `what`): dates in order."""
    if day is not None and earlier is not None and day < earlier:
        add(errors, field, f"The {label} cannot be before the {what} on {_d(earlier)}.")


def check_not_after(
    errors: Errors, field: str, day: date | None, later: date | None, *, label: str, what: str
) -> None:
    """`day` (the `label`) is not after `later` (the date of `what`)."""
    if day is not None and later is not None and day > later:
        add(errors, field, f"The {label} cannot be after the {what} on {_d(later)}.")


def period_of(obj: Any) -> LookedAfterPeriod:
    """The period a row under it belongs to (for services that take the row)."""
    return obj if isinstance(obj, LookedAfterPeriod) else obj.period
