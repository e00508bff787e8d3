"""Synthetic referrals for the child protection tests. Services are the way to build a realistic
case (they keep the clocks); these factories make bare rows for policy and page tests.
"""

from datetime import timedelta

import factory

from safehub.accounts.tests.factories import UserFactory
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.tests.factories import InvolvementFactory
from safehub.child_protection.models import Referral
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    involvement = factory.LazyAttribute(
        lambda o: InvolvementFactory(
            person=o.person,
            service=CaseService.CHILD_IN_NEED,
            level=CaseLevel.REFERRAL,
            title="Referral",
            opened_on=o.referral_date,
        )
    )
    referral_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=14))
    source = "2A"
    primary_need = "N1"
    recorded_by = factory.SubFactory(UserFactory)
