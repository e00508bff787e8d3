"""Synthetic cases for the missing, UASC and permanence tests (factories and services only)."""

from datetime import date, timedelta
from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.looked_after.constants import HouseholdKind
from safehub.looked_after.tests.factories import HouseholdFactory, PeriodFactory, PlacementFactory
from safehub.people.models import Relationship
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock


def today() -> date:
    return clock.today()


def ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def worker() -> Any:
    return UserFactory(role=Role.SOCIAL_WORKER)


def manager() -> Any:
    return UserFactory(role=Role.TEAM_MANAGER)


def period(*, started_days_ago: int = 120, age_years: int = 10, **fields: Any) -> Any:
    person = fields.pop("person", None) or PersonFactory(date_of_birth=ago(365 * age_years + 40))
    return PeriodFactory(person=person, started_on=ago(started_days_ago), **fields)


def person(**fields: Any) -> Any:
    return PersonFactory(**fields)


def placed(
    p: Any, *, placement_type: str = "U6", household: Any = None, postcode: str = "", **fields: Any
) -> Any:
    return PlacementFactory(
        period=p, placement_type=placement_type, household=household, postcode=postcode, **fields
    )


def siblings(a: Any, b: Any, kind: str = "sibling") -> Relationship:
    first, second = sorted([a, b], key=lambda p: str(p.pk))
    return Relationship.objects.create(person_a=first, person_b=second, kind=kind)


def adopters(**fields: Any) -> Any:
    fields.setdefault("kind", HouseholdKind.ADOPTERS)
    return HouseholdFactory(**fields)


def day(prefix: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }
