"""The issue-6 objects a route can name: a period of care with its placement, a missing episode and
an adoption decision, a care leaver, a household and a placement request."""

from datetime import date, timedelta
from typing import Any

from safehub.accounts.constants import Role


def care_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.access.tests.factories import make_person
    from safehub.looked_after.constants import AwayKind, HouseholdKind
    from safehub.looked_after.models import AdoptionDecision, MissingEpisode, PlacementRequest
    from safehub.looked_after.tests.factories import (
        CareLeaverFactory,
        HouseholdCarerFactory,
        HouseholdFactory,
        LegalStatusFactory,
        PeriodFactory,
        PlacementFactory,
    )
    from safehub.platform import clock

    worker = make_user(Role.SOCIAL_WORKER, email="care.sweep@example.test")
    today = clock.today()
    period = PeriodFactory(person=world["person"], recorded_by=worker, started_on=today - timedelta(days=90))
    LegalStatusFactory(period=period, code="C2", recorded_by=worker)
    household = HouseholdFactory(name="Sweep household", recorded_by=worker)
    HouseholdCarerFactory(
        household=household,
        person=make_person(given_name="Sweep", family_name="Carerton", date_of_birth=date(1975, 5, 5)),
    )
    placement = PlacementFactory(period=period, household=household, recorded_by=worker)
    missing = MissingEpisode.objects.create(
        period=period,
        kind=AwayKind.MISSING,
        started_on=today - timedelta(days=20),
        ended_on=today - timedelta(days=19),
        recorded_by=worker,
    )
    decision = AdoptionDecision.objects.create(
        period=period, person=world["person"], decided_on=today - timedelta(days=30), recorded_by=worker
    )
    leaver = CareLeaverFactory(
        person=make_person(given_name="Sweep", family_name="Leaverson", date_of_birth=date(2006, 3, 4)),
        recorded_by=worker,
    )
    request = PlacementRequest.objects.create(
        person=world["person"],
        period=period,
        requested_on=today - timedelta(days=5),
        household_kind=HouseholdKind.MAINSTREAM_FOSTER,
        recorded_by=worker,
    )
    return {
        "period": period,
        "placement": placement,
        "missing_episode": missing,
        "adoption_decision": decision,
        "care_leaver": leaver,
        "carer_household": household,
        "placement_request": request,
    }
