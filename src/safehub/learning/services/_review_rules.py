"""Checks shared by the incident, review, return and finding services, so that a wrong date or a
review in the wrong state is refused with the reason at the field (issue 10, "Bad input")."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError

from safehub.platform import clock

from ..constants import ReviewStatus
from ..models import Review, Theme

Errors = dict[str, list[str]]


def d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def check_day(
    errors: Errors,
    field: str,
    day: date | None,
    *,
    label: str,
    not_before: date | None = None,
    since: str = "",
) -> bool:
    """`day` is given, not in the future and, when `not_before` is given, not before it
    (`since` says what happened then). Answers whether it passed."""
    if day is None:
        add(errors, field, f"Enter the {label}.")
        return False
    before = len(errors.get(field, []))
    if day > clock.today():
        add(errors, field, f"The {label} cannot be in the future.")
    elif not_before is not None and day < not_before:
        add(errors, field, f"The {label} cannot be before {since} on {d(not_before)}.")
    return len(errors.get(field, [])) == before


def check_text(errors: Errors, field: str, text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        add(errors, field, message)
    return text


def check_in_progress(review: Review, doing: str) -> None:
    """Refuse (at once) to change a review that is finished: its record is what was published or
    agreed, and a further review is a new one."""
    if review.status != ReviewStatus.IN_PROGRESS:
        finished = review.completed_on or review.decision_on
        on = f" on {d(finished)}" if finished else ""
        raise ValidationError(
            {"__all__": [f"This review was {review.get_status_display().lower()}{on}: you cannot {doing}."]}
        )


def check_themes(
    errors: Errors, themes: Iterable[Theme], field: str = "themes", keep: Iterable[Theme] = ()
) -> list[Theme]:
    """Only active themes may be chosen; a retired theme already on the record (`keep`) may stay,
    so that older learning keeps the themes it was tagged with."""
    # Read afresh: the form's copies may predate a retirement.
    chosen = list(Theme.objects.filter(pk__in={theme.pk for theme in themes}))
    kept = {theme.pk for theme in keep}
    retired = [t for t in chosen if not t.active and t.pk not in kept]
    if retired:
        names = ", ".join(sorted(t.name for t in retired))
        add(
            errors,
            field,
            f"Choose current themes only: {names} {'is' if len(retired) == 1 else 'are'} retired.",
        )
    return chosen
