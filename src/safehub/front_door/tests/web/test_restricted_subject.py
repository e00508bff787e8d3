"""A restricted record linked to a contact never shows its name through the contact (R22)."""

import pytest
from django.urls import reverse

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.front_door.tests.factories import ContactFactory, ContactSubjectFactory
from safehub.people.tests.factories import PersonFactory, restrict

pytestmark = pytest.mark.django_db


def test_a_sealed_record_s_name_is_not_shown_on_the_contact_page(signed_in):
    """An adopted child's sealed record holds the new identity: a MASH worker without a grant sees
    the child only as the referrer described them, with no link to the record."""
    client = signed_in(Role.MASH_SOCIAL_WORKER)
    sealed = PersonFactory(given_name="Ottoline", family_name="Vexley")
    restrict(sealed, Level.SEALED)
    contact = ContactFactory()
    ContactSubjectFactory(
        contact=contact, person=sealed, details={"given_name": "Lina", "family_name": "Marsh"}
    )
    page = client.get(reverse("front_door:contact", kwargs={"id": contact.pk})).content.decode()
    assert "Lina Marsh" in page
    assert "Vexley" not in page
    assert "Ottoline" not in page
    assert reverse("people:detail", kwargs={"person_id": sealed.pk}) not in page
    assert "Restricted record" in page
