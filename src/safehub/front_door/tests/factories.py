"""Synthetic contacts for the front door's tests (built directly; services are tested on their own)."""

from datetime import timedelta

import factory

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock

from ..constants import (
    Channel,
    ConsentStatus,
    ContactStatus,
    LawfulBasis,
    RequestStatus,
    ResponseKind,
    Sensitivity,
    SubjectRole,
)
from ..models import Contact, ContactSubject, InformationRequest, PartnerResponse

factory.Faker._DEFAULT_LOCALE = "en_GB"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    reference = factory.Sequence(lambda n: f"MASH-2026-{n + 900000:06d}")
    received_at = factory.LazyFunction(lambda: clock.now() - timedelta(hours=1))
    channel = Channel.PHONE
    recorded_by = factory.SubFactory(UserFactory, role=Role.MASH_SOCIAL_WORKER)
    referrer_name = factory.Faker("name")
    referrer_role = "Designated safeguarding lead"
    referrer_email = factory.Sequence(lambda n: f"referrer{n}@school.example.test")
    referral_source = "2A"
    summary = "Child arrived at school hungry and with a bruise on the arm; says dad was angry."
    consent = ConsentStatus.GIVEN
    lawful_basis = LawfulBasis.PUBLIC_TASK_SAFEGUARDING
    status = ContactStatus.AWAITING_SCREENING
    decision_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=24))
    next_due_at = factory.LazyAttribute(lambda o: o.decision_due_at)


class ContactSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactSubject

    contact = factory.SubFactory(ContactFactory)
    role = SubjectRole.CHILD
    person = factory.SubFactory(PersonFactory)
    details = factory.LazyAttribute(
        lambda o: {
            "given_name": o.person.given_name if o.person else "",
            "family_name": o.person.family_name if o.person else "",
            "date_of_birth": o.person.date_of_birth.isoformat()
            if o.person and o.person.date_of_birth
            else "",
        }
    )


def police_agency() -> object:
    return AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)


class InformationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationRequest

    contact = factory.SubFactory(ContactFactory)
    agency = factory.LazyFunction(police_agency)
    question = "Any domestic abuse call-outs or intelligence at the address in the last 2 years?"
    status = RequestStatus.OPEN
    sent_by = factory.SubFactory(UserFactory, role=Role.MASH_SOCIAL_WORKER)
    sent_at = factory.LazyFunction(clock.now)
    due_at = factory.LazyFunction(lambda: clock.now() + timedelta(hours=2))


class PartnerResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerResponse

    request = factory.SubFactory(InformationRequestFactory)
    kind = ResponseKind.INFORMATION
    content = "Two call-outs to the address in March: verbal argument, no arrests."
    sensitivity = Sensitivity.OFFICIAL_SENSITIVE
    responded_by = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.MASH_PARTNER, agency=o.request.agency)
    )
