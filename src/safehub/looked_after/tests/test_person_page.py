"""The child's record links to their care: the period when they are in care, "start" when not."""

from typing import Any

from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.people.tests.factories import PersonFactory

from .factories import LegalStatusFactory, PeriodFactory, PlacementFactory


def _page(client: Any, person: Any) -> str:
    return client.get(reverse("people:detail", args=[person.pk])).content.decode()


def test_a_manager_may_start_care_for_a_child_not_in_care(signed_in: Any) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    person = PersonFactory()
    page = _page(client, person)
    assert reverse("looked_after:period_start", args=[person.pk]) in page
    assert reverse("looked_after_leavers:leaver_open", args=[person.pk]) in page


def test_a_child_in_care_links_to_the_period_not_to_a_second_one(signed_in: Any) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    period = PeriodFactory()
    LegalStatusFactory(period=period)
    PlacementFactory(period=period)
    page = _page(client, period.person)
    assert reverse("looked_after:period", args=[period.pk]) in page
    assert reverse("looked_after:period_start", args=[period.person_id]) not in page


def test_a_social_worker_is_not_offered_to_start_care(signed_in: Any) -> None:
    """R18: starting care is a manager's decision (manage_cases)."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory()
    assert reverse("looked_after:period_start", args=[person.pk]) not in _page(client, person)
