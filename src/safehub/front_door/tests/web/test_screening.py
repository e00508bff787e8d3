"""Screening (issue 4, item 4): the MASH manager rates a contact; a change needs a reason; a stale
form is a conflict, not a lost update (R49)."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.front_door.constants import ContactStatus, Rag
from safehub.front_door.models import RagRating
from safehub.front_door.services.screening import rag_set
from safehub.front_door.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _url(contact) -> str:
    return reverse("front_door:rate", args=[contact.pk])


def test_manager_sees_each_rating_with_its_clock(signed_in) -> None:
    contact = ContactFactory()
    page = signed_in(Role.MASH_MANAGER).get(_url(contact)).content.decode()
    assert "Red: screened within 4 working hours" in page
    assert "Amber: screened within 1 working day" in page
    assert "Green: screened within 3 working days" in page


@pytest.mark.parametrize(
    "role", [Role.MASH_SOCIAL_WORKER, Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER]
)
def test_only_the_manager_may_rate(signed_in, role) -> None:
    """R18: rating is the MASH manager's (SCREEN_CONTACTS)."""
    contact = ContactFactory()
    client = signed_in(role)
    assert client.get(_url(contact)).status_code == 403
    assert client.post(_url(contact), {"rag": Rag.RED, "version": contact.version}).status_code == 403
    assert not RagRating.objects.exists()


def test_first_rating_starts_screening(signed_in) -> None:
    contact = ContactFactory()
    response = signed_in(Role.MASH_MANAGER).post(
        _url(contact), {"rag": Rag.RED, "reason": "", "version": contact.version}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.rag == Rag.RED
    assert contact.status == ContactStatus.IN_PROGRESS
    assert contact.rag_due_at is not None


def test_a_change_needs_a_reason_shown_at_the_field(signed_in) -> None:
    client = signed_in(Role.MASH_MANAGER)
    contact = ContactFactory()
    rag_set(actor=client.user, contact=contact, rag=Rag.GREEN, expected_version=contact.version)
    contact.refresh_from_db()
    response = client.post(_url(contact), {"rag": Rag.RED, "reason": "", "version": contact.version})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_reason"' in page
    assert 'id="id_reason-error"' in page
    contact.refresh_from_db()
    assert contact.rag == Rag.GREEN
    response = client.post(
        _url(contact), {"rag": Rag.RED, "reason": "Police report of a weapon.", "version": contact.version}
    )
    assert response.status_code == 302
    rating = RagRating.objects.filter(contact=contact).latest("created_at")
    assert (rating.previous, rating.rag, rating.reason) == (Rag.GREEN, Rag.RED, "Police report of a weapon.")
    history = client.get(reverse("front_door:contact", args=[contact.pk])).content.decode()
    assert "Police report of a weapon." in history


def test_a_stale_form_is_a_conflict_not_a_lost_update(signed_in, make_user) -> None:
    """R49: two managers open the same contact; the second save is refused with who and when."""
    client = signed_in(Role.MASH_MANAGER)
    contact = ContactFactory()
    stale_version = contact.version
    other = make_user(Role.MASH_MANAGER)
    rag_set(actor=other, contact=contact, rag=Rag.AMBER, expected_version=contact.version)
    response = client.post(_url(contact), {"rag": Rag.GREEN, "reason": "x", "version": stale_version})
    page = response.content.decode()
    assert response.status_code == 200
    assert "after you opened it" in page
    contact.refresh_from_db()
    assert contact.rag == Rag.AMBER
    assert f'value="{contact.version}"' in page  # a second save is a deliberate choice
