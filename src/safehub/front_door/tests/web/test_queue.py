"""The MASH queue (issue 4, item 4): open contacts sorted by time to breach, forecasts in words,
RAG as a tag with its word, filters by code, and a query count that does not grow with rows."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.front_door.constants import ContactStatus, Rag
from safehub.front_door.tests.factories import ContactFactory, ContactSubjectFactory
from safehub.platform import clock

pytestmark = pytest.mark.django_db

QUEUE = reverse("front_door:queue")
NOW = "2026-11-04 11:00 +0000"  # a Wednesday, in office hours


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER])
def test_mash_roles_see_the_queue(signed_in, role) -> None:
    contact = ContactFactory()
    response = signed_in(role).get(QUEUE)
    assert response.status_code == 200
    assert contact.reference in response.content.decode()


@pytest.mark.parametrize("role", [Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER])
def test_other_roles_are_refused(signed_in, role) -> None:
    """R18: deny by default; a partner, a referrer and a case social worker have no queue."""
    ContactFactory()
    assert signed_in(role).get(QUEUE).status_code == 403


def test_rows_are_sorted_by_time_to_breach_with_forecasts_in_words(signed_in) -> None:
    with time_machine.travel(NOW, tick=False):
        now = clock.now()
        later = ContactFactory(
            next_due_at=now + timedelta(minutes=40), rag=Rag.AMBER, rag_due_at=now + timedelta(minutes=40)
        )
        overdue = ContactFactory(
            next_due_at=now - timedelta(hours=2), rag=Rag.RED, rag_due_at=now - timedelta(hours=2)
        )
        far = ContactFactory(next_due_at=now + timedelta(days=3))
        decided = ContactFactory(status=ContactStatus.DECIDED, next_due_at=None)
        page = signed_in(Role.MASH_MANAGER).get(QUEUE).content.decode()
    assert page.index(overdue.reference) < page.index(later.reference) < page.index(far.reference)
    assert decided.reference not in page
    assert "breaches in 40 minutes" in page
    assert "breached 2 hours ago" in page
    # The breach is said in words, not only in red (WCAG 1.4.1).
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--orange">Amber</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--grey">Not rated</strong>' in page


def test_children_are_named_in_each_row(signed_in) -> None:
    subject = ContactSubjectFactory(person=None, details={"given_name": "Ffion", "family_name": "Queuetest"})
    page = signed_in(Role.MASH_SOCIAL_WORKER).get(QUEUE).content.decode()
    assert "Ffion Queuetest" in page
    assert subject.contact.reference in page


def test_filters_by_status_and_rag(signed_in) -> None:
    red = ContactFactory(rag=Rag.RED, rag_due_at=clock.now(), status=ContactStatus.IN_PROGRESS)
    unrated = ContactFactory()
    client = signed_in(Role.MASH_MANAGER)
    page = client.get(QUEUE, {"rag": Rag.RED}).content.decode()
    assert red.reference in page
    assert unrated.reference not in page
    page = client.get(QUEUE, {"status": ContactStatus.AWAITING_SCREENING}).content.decode()
    assert unrated.reference in page
    assert red.reference not in page
    page = client.get(QUEUE, {"rag": "none"}).content.decode()
    assert unrated.reference in page
    assert red.reference not in page
    # An unknown code is ignored, not an error.
    assert client.get(QUEUE, {"rag": "purple"}).status_code == 200


def test_htmx_refresh_returns_only_the_table(signed_in) -> None:
    contact = ContactFactory()
    response = signed_in(Role.MASH_MANAGER).get(QUEUE, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert contact.reference in body
    assert "<html" not in body
    assert 'hx-trigger="every 60s"' in body


def _make(n: int) -> None:
    for _ in range(n):
        ContactSubjectFactory(person=None, details={"given_name": "A", "family_name": "Child"})


def test_query_count_does_not_grow_with_rows(signed_in, django_assert_max_num_queries) -> None:
    client = signed_in(Role.MASH_MANAGER)
    _make(5)
    client.get(QUEUE)  # warm the session and the code caches
    with django_assert_max_num_queries(22) as small:
        assert client.get(QUEUE).status_code == 200
    _make(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(QUEUE).content.decode()
    assert page.count('class="govuk-table__row"') == 51  # 50 rows and the header


def test_a_busy_hub_can_page_past_the_first_hundred(signed_in) -> None:
    """A hub with more open contacts than a page reaches every one, and the caption says how many."""
    client = signed_in(Role.MASH_MANAGER)
    now = clock.now()
    ContactFactory.create_batch(100, next_due_at=now + timedelta(hours=1))
    latest = ContactFactory(next_due_at=now + timedelta(days=2))
    first = client.get(QUEUE).content.decode()
    assert "1 to 100 of 101 open contacts" in first
    assert latest.reference not in first
    assert 'rel="next"' in first
    second = client.get(QUEUE + "?page=2").content.decode()
    assert "101 to 101 of 101 open contacts" in second
    assert latest.reference in second
    assert client.get(QUEUE + "?page=zero").status_code == 200
