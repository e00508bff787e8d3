"""Building care leaver records for the tests. Synthetic data only.

"Today" is Thursday 26 November 2026 (the `today` fixture in each module). The usual young
person was born on 10 March 2009: 17 on 10 March 2026, 18 on 10 March 2027.
"""

from datetime import UTC, date, datetime
from typing import Any

from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.casework.tests.factories import team_with
from safehub.looked_after.models import CareLeaver
from safehub.looked_after.services.leaving import care_leaver_open
from safehub.looked_after.tests.factories import LegalStatusFactory, PeriodFactory
from safehub.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
DOB = date(2009, 3, 10)


def staff() -> tuple[Any, Any]:
    """A social worker (records contacts) and a team manager (opens and closes records)."""
    _team, (worker, manager) = team_with(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
    return worker, manager


def young_person(dob: date = DOB, **fields: Any) -> Any:
    return PersonFactory(date_of_birth=dob, **fields)


def in_care(person: Any, started_on: date, ended_on: date | None = None, code: str = "C2") -> Any:
    """A period of care (with one legal status) for `person`."""
    fields: dict[str, Any] = {"person": person, "started_on": started_on}
    if ended_on is not None:
        fields.update(ended_on=ended_on, end_reason="E8")
    period = PeriodFactory(**fields)
    LegalStatusFactory(period=period, code=code, started_on=started_on)
    return period


def opened(
    manager: Any, person: Any = None, started_on: date = date(2026, 3, 10), **kwargs: Any
) -> CareLeaver:
    """An open care leaver record for a young person looked after from 14."""
    if person is None:
        person = young_person()
        in_care(person, date(2023, 6, 1), date(2026, 3, 10))
    kwargs.setdefault("category", "relevant")
    return care_leaver_open(actor=manager, person=person, started_on=started_on, **kwargs)


def url(name: str, obj: Any = None) -> str:
    args = [obj.pk] if obj is not None else []
    return reverse(f"looked_after_leavers:{name}", args=args)


def day(value: date, prefix: str) -> dict[str, str]:
    """A GOV.UK date input's three boxes."""
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }
