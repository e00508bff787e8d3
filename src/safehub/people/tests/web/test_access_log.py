""" "Who has accessed this record" for a person: managers who can see the person, and information
governance (R19, R27). It lives with the people tests because it needs a record with a policy."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.audit.selectors import PAGE_SIZE
from safehub.people.tests.factories import PersonFactory, restrict

pytestmark = pytest.mark.django_db


def _log_url(pk) -> str:
    return reverse("audit:access_log", args=["people.person", pk])


def _body(html: str) -> str:
    return html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]


def _rows(html: str) -> int:
    return len(re.findall(r'<tr class="govuk-table__row">', _body(html)))


def test_team_manager_sees_who_viewed_the_record_newest_first(signed_in, client, make_user) -> None:
    person = PersonFactory()
    worker = make_user(Role.SOCIAL_WORKER, full_name="Riley Haddon")
    client.force_login(worker)
    client.get(reverse("people:detail", args=[person.pk]))
    manager = make_user(Role.TEAM_MANAGER, full_name="Jamie Fairlie")
    client.force_login(manager)
    client.get(reverse("people:detail", args=[person.pk]))

    response = client.get(_log_url(person.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Who has accessed this record" in html
    assert "Riley Haddon" in html
    assert "Jamie Fairlie" in html
    assert "Social worker" in html
    assert "Team manager" in html
    assert escape(worker.agency.name) in html
    # Newest first: the manager's own look at the log, then the manager's view, then the worker's.
    rows = _body(html).split("</tr>")[:3]
    assert "Jamie Fairlie" in rows[0]
    assert "Viewed (access log)" in rows[0]
    assert "Jamie Fairlie" in rows[1]
    assert "Viewed" in rows[1]
    assert "access log" not in rows[1]
    assert "Riley Haddon" in rows[2]
    # No content of the person reaches this page.
    assert person.family_name not in html
    assert escape(person.family_name) not in html


def test_viewing_the_log_is_itself_audited(signed_in) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    person = PersonFactory()
    client.get(_log_url(person.pk))
    event = AuditEvent.objects.filter(object_id=str(person.pk)).get()
    assert (event.verb, event.section, event.actor) == (Verb.VIEW, "access_log", client.user)


def test_social_worker_is_refused(signed_in) -> None:
    """R18: the page needs VIEW_ACCESS_LOG, which a social worker does not hold."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory()
    assert client.get(_log_url(person.pk)).status_code == 403
    assert not AuditEvent.objects.filter(object_id=str(person.pk)).exists()


@pytest.mark.parametrize("level", [Level.RESTRICTED, Level.SEALED])
def test_manager_gets_404_for_a_record_they_may_not_see(signed_in, level) -> None:
    """R19: the log of a record the manager cannot open is "not found", like an unknown id."""
    client = signed_in(Role.TEAM_MANAGER)
    person = restrict(PersonFactory(), level)
    assert client.get(_log_url(person.object_id)).status_code == 404
    assert client.get(_log_url(uuid.uuid4())).status_code == 404
    assert client.get(reverse("audit:access_log", args=["no.such", uuid.uuid4()])).status_code == 404
    assert not AuditEvent.objects.filter(section="access_log").exists()


def test_information_governance_see_the_log_of_a_sealed_record(signed_in, make_user) -> None:
    """IG answer "who looked at this sealed record" without being able to open the record itself."""
    person = PersonFactory()
    restrict(person, Level.SEALED)
    client = signed_in(Role.IG_OFFICER)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    response = client.get(_log_url(person.pk))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        object_id=str(person.pk), section="access_log", actor=client.user
    ).exists()


def test_the_log_is_paginated(signed_in) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    person = PersonFactory()
    for _ in range(PAGE_SIZE + 4):
        client.get(reverse("people:detail", args=[person.pk]))
    first = client.get(_log_url(person.pk)).content.decode()
    assert _rows(first) == PAGE_SIZE
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    second = client.get(_log_url(person.pk) + "?page=2").content.decode()
    assert _rows(second) == 6  # 54 views and 2 looks at the log, less the 50 on page 1


def test_the_log_page_runs_a_bounded_number_of_queries(signed_in, django_assert_max_num_queries) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    person = PersonFactory()
    for _ in range(10):
        client.get(reverse("people:detail", args=[person.pk]))
    with django_assert_max_num_queries(30) as few:
        client.get(_log_url(person.pk))
    with_ten = len(few)
    for _ in range(30):
        client.get(reverse("people:detail", args=[person.pk]))
    # Three times the rows, not one more query.
    with django_assert_max_num_queries(with_ten):
        client.get(_log_url(person.pk))
