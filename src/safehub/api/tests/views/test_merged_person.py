"""GET on a merged-away person's id answers 307 to the survivor, or 404 if the caller can't see it (R22)."""

from datetime import date

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.people.services import person_create, person_merge
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(make_user):
    manager = make_user(Role.MASH_MANAGER)
    born = date(2015, 3, 14)
    survivor = person_create(actor=manager, given_name="Amara", family_name="Testwood", date_of_birth=born)
    absorbed = person_create(actor=manager, given_name="Amarah", family_name="Testwood", date_of_birth=born)
    person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason="Same child, typed twice")
    return survivor, absorbed


def test_a_merged_id_points_at_the_survivor(key_client, merged) -> None:
    survivor, absorbed = merged
    response = key_client(Role.SOCIAL_WORKER).get(reverse("api:person-detail", args=[absorbed.pk]))
    assert response.status_code == 307
    assert response.json() == {"merged_into": str(survivor.pk)}
    assert response["Location"] == reverse("api:person-detail", args=[survivor.pk])


def test_a_hidden_survivor_is_a_plain_404(key_client, merged) -> None:
    survivor, absorbed = merged
    restrict(survivor)
    response = key_client(Role.SOCIAL_WORKER).get(reverse("api:person-detail", args=[absorbed.pk]))
    assert response.status_code == 404
    assert str(survivor.pk) not in response.content.decode()
