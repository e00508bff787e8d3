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
from safehub.people.models import Address, Person
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


# Postcodes from the examples in the government's data standards: real formats, no one's home.
SYNTHETIC_POSTCODES = ("SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    line_1 = factory.Faker("street_address")
    town = factory.Faker("city")
    postcode = factory.Iterator(SYNTHETIC_POSTCODES)


def indexed_person(*, actor: Any = None, **fields: Any) -> Person:
    """A person recorded through `person_create`, so their name rows, identifiers and match keys exist.

    (`PersonFactory` writes the `Person` row alone, as a person recorded before the index existed.)
    """
    from safehub.people.services import person_create

    stub = factory.build(dict, FACTORY_CLASS=PersonFactory)
    return person_create(actor=actor or UserFactory(role=Role.SOCIAL_WORKER), **{**stub, **fields})


def audit_events_on(person: Person, section: str = "") -> list[Any]:
    """Audit events whose subject is `person`, oldest first (optionally one section)."""
    from safehub.audit.models import AuditEvent

    qs = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
    if section:
        qs = qs.filter(section=section)
    return list(qs.order_by("seq"))
