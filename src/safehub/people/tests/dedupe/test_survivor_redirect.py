"""A merged-away record's page leads to the record it now lives on, but never past what the viewer may see."""

from datetime import date

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.people.services import person_merge, person_unmerge
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db
REASON = "Same child: same school, same GP, name typed differently"


@pytest.fixture
def merged(new_person, manager):
    survivor = new_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    absorbed = new_person(given_name="Amarah", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    return survivor, absorbed, merge


def test_the_absorbed_records_page_redirects_to_the_survivor(signed_in, merged) -> None:
    survivor, absorbed, _ = merged
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.get(reverse("people:detail", args=[absorbed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[survivor.pk])


def test_after_unmerge_the_page_is_the_records_own_again(signed_in, merged, manager) -> None:
    _, absorbed, merge = merged
    person_unmerge(actor=manager, merge=merge, reason="Twins, not one child")
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(reverse("people:detail", args=[absorbed.pk])).status_code == 200


def test_a_survivor_the_viewer_may_not_see_is_a_404_not_a_redirect_r22(signed_in, merged) -> None:
    """R22: the redirect must not reveal where a restricted record lives."""
    survivor, absorbed, _ = merged
    restrict(survivor)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(reverse("people:detail", args=[absorbed.pk])).status_code == 404
