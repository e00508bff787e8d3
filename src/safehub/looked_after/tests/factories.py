"""Bare synthetic rows for the children in care tests. Services are the way to build a realistic
case (they keep the clocks and the 903 chain); these factories make rows for policy and page tests.
Each area may add its own factories module beside this one.
"""

from datetime import timedelta

import factory

from safehub.accounts.tests.factories import UserFactory
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.tests.factories import InvolvementFactory
from safehub.looked_after.constants import ApprovalStatus, HouseholdKind, LeaverCategory
from safehub.looked_after.models import (
    CareLeaver,
    CarerHousehold,
    HouseholdCarer,
    LegalStatus,
    LookedAfterPeriod,
    Placement,
)
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LookedAfterPeriod

    person = factory.SubFactory(PersonFactory)
    involvement = factory.LazyAttribute(
        lambda o: InvolvementFactory(
            person=o.person,
            service=CaseService.LOOKED_AFTER,
            level=CaseLevel.LOOKED_AFTER,
            title="Looked after",
            opened_on=o.started_on,
        )
    )
    started_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=60))
    need_code = "N1"
    recorded_by = factory.SubFactory(UserFactory)


class LegalStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalStatus

    period = factory.SubFactory(PeriodFactory)
    code = "V2"
    started_on = factory.LazyAttribute(lambda o: o.period.started_on)
    recorded_by = factory.SubFactory(UserFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    period = factory.SubFactory(PeriodFactory)
    person = factory.LazyAttribute(lambda o: o.period.person)
    started_on = factory.LazyAttribute(lambda o: o.period.started_on)
    placement_type = "U6"
    provider = "PR1"
    recorded_by = factory.SubFactory(UserFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerHousehold

    reference = factory.Sequence(lambda n: f"HH{n:05d}")
    name = factory.Sequence(lambda n: f"Household {n}")
    kind = HouseholdKind.MAINSTREAM_FOSTER
    status = ApprovalStatus.APPROVED
    approved_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=365))
    places = 2
    sibling_group_max = 2
    recorded_by = factory.SubFactory(UserFactory)


class HouseholdCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdCarer

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)
    added_on = factory.LazyFunction(clock.today)


class CareLeaverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareLeaver

    person = factory.SubFactory(PersonFactory)
    involvement = factory.LazyAttribute(
        lambda o: InvolvementFactory(
            person=o.person,
            service=CaseService.LEAVING_CARE,
            level=CaseLevel.CARE_LEAVER,
            title="Leaving care",
            opened_on=o.started_on,
        )
    )
    category = LeaverCategory.FORMER_RELEVANT
    started_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=200))
    recorded_by = factory.SubFactory(UserFactory)
