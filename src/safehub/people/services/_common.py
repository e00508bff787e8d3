"""Steps every person-index service shares: the policy check, end dates, the audit row."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.models import VersionedModel

from ..models import Person
from ..policies import person_policy


def check_change(actor: Any, *people: Person) -> None:
    """Each person touched must be one the actor may change; one answer for missing and forbidden (R19)."""
    for person in people:
        person_policy.check(actor, "change", person)


def end_date(value: date | None, *, field: str) -> date:
    """An end date defaults to today and is never in the future: a row with one has ended."""
    today = clock.today()
    if value is None:
        return today
    if value > today:
        raise ValidationError({field: "The end date cannot be in the future."})
    return value


def past_or_open(value: date | None, *, field: str) -> None:
    """A record may be added as already ended, but not as ending later (nothing would end it)."""
    if value is not None and value > clock.today():
        raise ValidationError({field: "The end date cannot be in the future."})


def save_row(row: VersionedModel, *, actor: Any) -> None:
    """Save a row this transaction created or already holds, validated, with its version moved on."""
    if not row._state.adding:
        row.version += 1
    row.updated_by = actor
    row.full_clean()
    row.save()


def audit(actor: Any, verb: str, person: Person, section: str, reason: str = "") -> None:
    """Changes to a person's names, identifiers... are events on the person, so their access log shows them."""
    record_event(actor=actor, verb=verb, target=person, section=section, reason=reason)
