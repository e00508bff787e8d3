"""contact_create: validation at the field, nothing half-saved, references, idempotent partners."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.audit.models import AuditEvent
from safehub.front_door.constants import Channel, ConsentStatus, ContactStatus, SubjectRole
from safehub.front_door.models import Contact, ContactConcern, ContactSubject
from safehub.front_door.services.contact import (
    DuplicateContact,
    SubjectInput,
    contact_subject_add,
    contact_subject_link,
)
from safehub.people.models import Person
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from .helpers import child, record

pytestmark = pytest.mark.django_db


def test_records_a_contact_with_reference_clocks_and_audit(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    contact = record(worker)
    assert contact.reference.startswith(f"MASH-{contact.received_at.year}-")
    assert contact.status == ContactStatus.AWAITING_SCREENING
    assert contact.decision_due_at > contact.received_at
    assert contact.next_due_at == contact.decision_due_at
    assert contact.submitted_by is None
    assert sorted(ContactConcern.objects.filter(contact=contact).values_list("category", flat=True)) == [
        "neglect",
        "parental_mental_health",
    ]
    subject = ContactSubject.objects.get(contact=contact)
    assert subject.details["family_name"] == "Thornbury"
    assert subject.person is None
    assert AuditEvent.objects.filter(object_id=str(contact.pk), verb="create").exists()


def test_references_are_sequential_within_a_year(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    first, second = record(worker), record(worker)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_a_contact_without_an_identifiable_child_is_refused_and_nothing_is_saved(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    before = Contact.objects.count()
    with pytest.raises(ValidationError) as error:
        record(worker, subjects=[SubjectInput(role=SubjectRole.CHILD, details={"given_name": "Maisie"})])
    assert "subjects" in error.value.message_dict
    assert Contact.objects.count() == before
    assert not ContactSubject.objects.exists()


def test_an_unborn_child_needs_the_expected_date(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    unborn = SubjectInput(role=SubjectRole.UNBORN_CHILD, details={"family_name": "Thornbury"})
    with pytest.raises(ValidationError) as error:
        record(worker, subjects=[unborn])
    assert "subjects-0-expected_date_of_birth" in error.value.message_dict
    due = (clock.today() + timedelta(days=60)).isoformat()
    unborn.details["expected_date_of_birth"] = due
    assert record(worker, subjects=[unborn]).subjects.get().details["expected_date_of_birth"] == due


def test_child_not_yet_identified_needs_a_reason(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    adult = SubjectInput(role=SubjectRole.PARENT_CARER, details={"given_name": "Dana", "family_name": "Pike"})
    with pytest.raises(ValidationError):
        record(worker, subjects=[adult])
    contact = record(
        worker,
        subjects=[adult],
        child_not_identified_reason="Caller heard a child screaming next door; flat 4.",
    )
    assert contact.child_not_identified_reason.startswith("Caller heard")


def test_every_error_comes_back_at_its_field(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    with pytest.raises(ValidationError) as error:
        record(
            worker,
            summary=" ",
            concerns=[],
            consent=ConsentStatus.NOT_SOUGHT,
            lawful_basis="because",
            referral_source="ZZ",
            subjects=[child(date_of_birth="2017-02-30"), child(nhs_number="1234567890")],
        )
    fields = set(error.value.message_dict)
    assert {"summary", "concerns", "consent_reason", "lawful_basis", "referral_source"} <= fields
    assert "subjects-0-date_of_birth" in fields
    assert "subjects-1-nhs_number" in fields


def test_a_future_receipt_is_refused(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    with pytest.raises(ValidationError) as error:
        record(worker, received_at=clock.now() + timedelta(hours=2))
    assert "received_at" in error.value.message_dict


def test_staff_link_people_they_found_at_once(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    person = PersonFactory()
    contact = record(worker, subjects=[SubjectInput(role=SubjectRole.CHILD, details={}, person_id=person.pk)])
    subject = contact.subjects.get()
    assert subject.person == person
    assert subject.matched_by == worker


def test_a_referrer_submits_only_through_the_portal_and_it_is_theirs(make_user):
    referrer = make_user(Role.REFERRER)
    with pytest.raises(ValidationError) as error:
        record(referrer)
    assert "channel" in error.value.message_dict
    contact = record(referrer, channel=Channel.PORTAL)
    assert contact.submitted_by == referrer


def test_a_referrer_cannot_link_index_records(make_user):
    referrer = make_user(Role.REFERRER)
    person = PersonFactory()
    with pytest.raises(ValidationError) as error:
        record(
            referrer,
            channel=Channel.PORTAL,
            subjects=[
                SubjectInput(role=SubjectRole.CHILD, details={"family_name": "X"}, person_id=person.pk)
            ],
        )
    assert "subjects-0-person" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.MASH_PARTNER, Role.SOCIAL_WORKER, Role.PERFORMANCE_ANALYST])
def test_other_roles_may_not_record_contacts(make_user, role):
    with pytest.raises(PermissionRefused):
        record(make_user(role), channel=Channel.PORTAL)


def test_a_partner_system_retry_is_the_same_contact(make_user):
    police = AgencyFactory(name="Northshire Police", kind="police")
    system = make_user(Role.REFERRER, agency=police)
    first = record(system, channel=Channel.API, source_agency=police, external_reference="DA-2026-77")
    with pytest.raises(DuplicateContact) as repeat:
        record(system, channel=Channel.API, source_agency=police, external_reference="DA-2026-77")
    assert repeat.value.contact == first
    assert Contact.objects.filter(external_reference="DA-2026-77").count() == 1


def test_linking_twice_does_not_make_two_records(make_user):
    """A double click on "create a new record" must not leave a duplicate child in the index."""
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    contact = record(worker)
    subject = contact.subjects.get()
    contact_subject_link(actor=worker, subject=subject, create=True)
    stale = ContactSubject.objects.get(pk=subject.pk)
    stale.person = None
    with pytest.raises(ValidationError):
        contact_subject_link(actor=worker, subject=stale, create=True)
    assert Person.objects.filter(family_name="Thornbury").count() == 1


def test_people_cannot_be_added_or_linked_once_decided(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    contact = record(worker)
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.DECIDED)
    with pytest.raises(ValidationError):
        contact_subject_add(actor=worker, contact=contact, subject=child(given="Otto"))
    with pytest.raises(ValidationError):
        contact_subject_link(actor=worker, subject=contact.subjects.get(), create=True)
    assert contact.subjects.count() == 1
    assert contact.subjects.get().person is None


def test_a_rating_reason_is_not_copied_into_the_audit_trail(make_user):
    """R27: free text typed by staff may name people; the audit row gets a fixed code."""
    from safehub.front_door.services.screening import rag_set

    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER))
    rag_set(actor=manager, contact=contact, rag="amber", expected_version=contact.version)
    rag_set(
        actor=manager,
        contact=contact,
        rag="red",
        reason="Father Tom released from prison",
        expected_version=contact.version,
    )
    reasons = " ".join(AuditEvent.objects.filter(object_id=str(contact.pk)).values_list("reason", flat=True))
    assert "Tom" not in reasons
    assert "amber to red" in reasons
