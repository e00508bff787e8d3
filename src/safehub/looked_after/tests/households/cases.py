"""Synthetic households, children and requests for the households tests."""

from datetime import UTC, date, datetime
from typing import Any

from safehub.looked_after.models import CarerHousehold, PlacementRequest
from safehub.looked_after.services.household import household_create, household_status_change
from safehub.looked_after.tests.factories import (
    HouseholdCarerFactory,
    HouseholdFactory,
    PeriodFactory,
    PlacementFactory,
)
from safehub.people.tests.factories import PersonFactory
from safehub.reference_data.models import PostcodeLocation

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def adult(**kw: Any) -> Any:
    kw.setdefault("date_of_birth", date(1980, 5, 1))
    return PersonFactory(**kw)


def child(age: int, **kw: Any) -> Any:
    return PersonFactory(date_of_birth=date(TODAY.year - age, 1, 1), **kw)


def approved(actor: Any, **terms: Any) -> CarerHousehold:
    """A household recorded and approved through the services."""
    kw: dict[str, Any] = {
        "name": "The Testcarer household",
        "kind": "foster",
        "postcode": "",
        "in_area": True,
        "age_from": 0,
        "age_to": 17,
        "places": 2,
        "sibling_group_max": 2,
        "carers": [adult()],
    }
    kw.update(terms)
    household = household_create(actor=actor, **kw)
    return household_status_change(
        actor=actor,
        household=household,
        status="approved",
        on=date(2025, 1, 1),
        expected_version=household.version,
    )


def household(**kw: Any) -> CarerHousehold:
    """A bare approved household row (factories), with one adult carer."""
    kw.setdefault("approved_on", date(2025, 1, 1))
    h = HouseholdFactory(**kw)
    HouseholdCarerFactory(household=h, person=adult())
    return h


def period_for(person: Any, **kw: Any) -> Any:
    kw.setdefault("started_on", date(2026, 1, 1))
    return PeriodFactory(person=person, **kw)


def place(period: Any, household: Any = None, **kw: Any) -> Any:
    kw.setdefault("started_on", period.started_on)
    return PlacementFactory(period=period, household=household, **kw)


def request_for(period: Any, actor: Any, **kw: Any) -> PlacementRequest:
    from safehub.looked_after.services.placement_request import placement_request_create

    kw.setdefault("requested_on", date(2026, 2, 1))
    kw.setdefault("household_kind", "foster")
    return placement_request_create(actor=actor, period=period, **kw)


def locate(postcode: str, easting: int, northing: int, la: str = "") -> None:
    PostcodeLocation.objects.create(postcode=postcode, easting=easting, northing=northing, local_authority=la)
