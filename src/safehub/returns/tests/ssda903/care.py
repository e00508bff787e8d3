"""Synthetic care histories for the 903 tests, built as bare rows (the factories' way): the
return reads the record, so these set exactly the facts a case would hold."""

import uuid
from datetime import date
from typing import Any, cast

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import TeamFactory, UserFactory
from safehub.casework.models import Allocation
from safehub.looked_after.models import LookedAfterPeriod, Placement
from safehub.looked_after.tests.factories import LegalStatusFactory, PeriodFactory, PlacementFactory
from safehub.people.constants import Sex
from safehub.people.tests.factories import PersonFactory

# Real Southampton (E06000045) postcodes, all in the ONS directory the validator reads, so the
# postcode rules (392c, 169) pass on these returns and only what a test sets up can fail them.
HOME = "SO14 7LY"
PLACED = "SO15 1BA"
MOVED_TO = "SO17 2BJ"


def child(dob: date, *, n: int | None = None, sex: str = Sex.FEMALE, ethnicity: str = "WBRI") -> Any:
    extra = {"id": uuid.UUID(int=n)} if n is not None else {}
    return PersonFactory(date_of_birth=dob, sex=sex, ethnicity=ethnicity, **extra)


def care(
    person: Any,
    start: date,
    legal: str = "C2",
    place: str = "U4",
    *,
    need: str = "N1",
    ended_on: date | None = None,
    end_reason: str = "",
    postcode: str = PLACED,
    home: str = HOME,
) -> LookedAfterPeriod:
    """A period of care with its first legal status and placement (ending with it, if it ended)."""
    period: Any = PeriodFactory(
        person=person,
        started_on=start,
        need_code=need,
        home_postcode=home,
        ended_on=ended_on,
        end_reason=end_reason,
    )
    LegalStatusFactory(period=period, code=legal, started_on=start)
    PlacementFactory(
        period=period,
        started_on=start,
        ended_on=ended_on,
        placement_type=place,
        provider="PR1",
        postcode=postcode,
    )
    return period


def move(
    period: LookedAfterPeriod, on: date, place: str, reason: str = "CARPL", provider: str = "PR1"
) -> None:
    """End the current placement on `on` with `reason` and start the next one that day."""
    current = Placement.objects.filter(period=period).order_by("-started_on").first()
    assert current is not None
    current.ended_on, current.end_reason = on, reason
    current.save()
    PlacementFactory(
        period=period,
        started_on=on,
        ended_on=period.ended_on,
        placement_type=place,
        provider=provider,
        postcode=MOVED_TO,
    )


def legal(period: LookedAfterPeriod, on: date, code: str) -> None:
    LegalStatusFactory(period=period, code=code, started_on=on)


def allocate(
    period: LookedAfterPeriod, worker: Any, start: date, end: date | None = None, reason: str = ""
) -> None:
    Allocation.objects.create(
        involvement=period.involvement,
        team=cast(Any, TeamFactory()),
        worker=worker,
        started_on=start,
        ended_on=end,
        change_reason=reason,
        allocated_by=worker,
    )


def social_worker(n: int | None = None) -> Any:
    extra = {"id": uuid.UUID(int=n)} if n is not None else {}
    return UserFactory(role=Role.SOCIAL_WORKER, **extra)


def preparer() -> Any:
    return UserFactory(role=Role.DATA_OFFICER)
