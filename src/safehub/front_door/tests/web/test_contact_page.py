"""The contact page (issue 4, items 1 and 3): the record, the referrer (with the warning when their
identity is withheld), the people as described and their records, and the intake intelligence."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.front_door.constants import IntakeAlertKind, SubjectRole
from safehub.front_door.models import IntakeAlert
from safehub.front_door.tests.factories import ContactFactory, ContactSubjectFactory

pytestmark = pytest.mark.django_db


def _url(contact) -> str:
    return reverse("front_door:contact", args=[contact.pk])


def test_mash_staff_see_the_contact_and_the_read_is_audited(signed_in) -> None:
    """R27: every read of a contact is audited."""
    linked = ContactSubjectFactory()
    contact = linked.contact
    ContactSubjectFactory(
        contact=contact,
        person=None,
        role=SubjectRole.PARENT_CARER,
        details={"given_name": "Owain", "family_name": "Pagetest"},
    )
    IntakeAlert.objects.create(
        contact=contact, kind=IntakeAlertKind.REPEAT_CONTACT, message="Third contact in 12 months."
    )
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    page = client.get(_url(contact)).content.decode()
    assert contact.reference in page
    assert "Not rated" in page
    assert reverse("people:detail", args=[linked.person.pk]) in page
    assert "Owain Pagetest" in page
    assert (
        reverse("front_door:subject_match", args=[contact.pk, contact.subjects.get(person=None).pk]) in page
    )
    assert "Third contact in 12 months." in page
    assert "govuk-warning-text" in page
    assert AuditEvent.objects.filter(verb=Verb.VIEW, object_id=str(contact.pk)).exists()


def test_withheld_referrer_identity_carries_a_warning(signed_in) -> None:
    contact = ContactFactory(referrer_identity_withheld=True)
    page = signed_in(Role.MASH_MANAGER).get(_url(contact)).content.decode()
    assert "Do not share the referrer's identity with the family" in page


@pytest.mark.parametrize("role", [Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER])
def test_other_roles_get_no_contact(signed_in, role) -> None:
    """R18/R19: no capability, no contact page."""
    contact = ContactFactory()
    assert signed_in(role).get(_url(contact)).status_code in (403, 404)


def test_an_unknown_contact_is_a_404(signed_in) -> None:
    import uuid

    assert (
        signed_in(Role.MASH_MANAGER).get(reverse("front_door:contact", args=[uuid.uuid4()])).status_code
        == 404
    )
