"""Synthetic people for the people tests (en_GB Faker; NHS numbers from the never-issued range)."""

from datetime import timedelta
from typing import Any

import factory
import nhs_number
from nhs_number import REGION_SYNTHETIC

from safehub.access.constants import BreakGlassReason, Level, RestrictionReason
from safehub.access.models import BreakGlassAccess, RestrictedRecord
from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.people.constants import Sex
from safehub.people.models import Person
from safehub.platform import clock

factory.Faker._DEFAULT_LOCALE = "en_GB"


def synthetic_nhs_number() -> str:
    return str(nhs_number.generate(for_region=REGION_SYNTHETIC)[0])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date="-17y", end_date="-1y")
    sex = Sex.FEMALE
    nhs_number = factory.LazyFunction(synthetic_nhs_number)


def restrict(person: Person, level: str = Level.RESTRICTED, *, by: Any = None) -> RestrictedRecord:
    return RestrictedRecord.objects.create(
        object_type="people.person",
        object_id=person.pk,
        level=level,
        reason=RestrictionReason.HIGH_PROFILE,
        restricted_by=by or UserFactory(role=Role.IG_OFFICER),
    )


def emergency_access(user: Any, person: Person) -> BreakGlassAccess:
    started_at = clock.now() - timedelta(minutes=5)
    return BreakGlassAccess.objects.create(
        user=user,
        object_type="people.person",
        object_id=person.pk,
        reason_code=BreakGlassReason.OUT_OF_HOURS,
        reason_text="Police called the emergency duty team about this child tonight.",
        started_at=started_at,
        expires_at=started_at + timedelta(hours=2),
    )
