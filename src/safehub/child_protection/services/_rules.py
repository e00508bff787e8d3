"""Checks that every child protection service applies at the point of entry, so that the CIN census
is clean without after-the-fact fixing (issue 5, item 5). Each names the census rule it mirrors.
"""

from datetime import date

from safehub.platform import clock

from ..models import Referral

Errors = dict[str, list[str]]


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_activity_date(
    errors: Errors, referral: Referral, field: str, day: date | None, *, label: str
) -> None:
    """A date of something done on the referral: present, not in the future, on or after the
    referral date (rules 1103-1105, 2889) and, for a closed referral, not after its closure (8565).
    """
    if day is None:
        add(errors, field, f"Enter the {label}.")
        return
    if day > clock.today():
        add(errors, field, f"The {label} cannot be in the future.")
    if day < referral.referral_date:
        add(errors, field, f"The {label} cannot be before the referral on {_d(referral.referral_date)}.")
    if referral.closed_on is not None and day > referral.closed_on:
        add(errors, field, f"The {label} cannot be after the case closed on {_d(referral.closed_on)}.")


def check_open(errors: Errors, referral: Referral, field: str = "__all__") -> None:
    """Nothing new is recorded on a closed referral (rule 8565), nor on a referral closed as NFA (8831)."""
    if referral.nfa:
        when = f" on {_d(referral.closed_on)}" if referral.closed_on is not None else ""
        add(errors, field, f"The case closed{when} with no further action: nothing more is recorded on it.")
    elif referral.closed_on is not None:
        add(errors, field, f"The case closed on {_d(referral.closed_on)}: reopen work with a new referral.")


def check_not_before(
    errors: Errors, field: str, day: date | None, earlier: date | None, *, label: str, what: str
) -> None:
    """`day` (the `label`) is not before `earlier` (the date of `what`): dates in order."""
    if day is not None and earlier is not None and day < earlier:
        add(errors, field, f"The {label} cannot be before the {what} on {_d(earlier)}.")
