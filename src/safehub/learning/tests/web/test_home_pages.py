"""The learning home (issue 10): what each role is shown, and who is refused (R18, R19)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory

from ...constants import ReturnStatus, ReviewKind
from .. import factories as f
from .conftest import url

pytestmark = pytest.mark.django_db


def test_the_partnership_sees_what_is_due_with_overdue_in_red(login) -> None:
    manager = f.partnership_manager()
    late = f.incident(reference="SIN-LATE", notify_due_on=date(2026, 11, 24))
    f.incident(reference="SIN-DONE", notified_on=date(2026, 11, 18))
    rapid = f.review(subject_label="Child R", due_on=date(2026, 12, 9))
    f.review(kind=ReviewKind.LOCAL, subject_label="Child L", incident=None, due_on=date(2027, 5, 20))
    f.agency_return(rapid, agency=f.health(), due_on=date(2026, 11, 20))
    body = login(manager).get(url("home")).content.decode()
    assert "<h1" in body
    assert "Learning and quality assurance" in body
    assert "SIN-LATE" in body
    assert "SIN-DONE" not in body  # already notified
    assert "Overdue by 2 days" in body
    assert "govuk-tag--red" in body
    assert "Child R" in body
    assert "Child L" in body
    assert "Synthetic Health Trust" in body
    assert "Overdue by 6 days" in body
    # Incidents are listed by reference: the child is named on the incident's own page only.
    assert late.child.family_name not in body
    for link in ("/learning/actions/", "Multi-agency case audits", "Partnership board report"):
        assert link in body


def test_a_partner_sees_the_returns_to_answer_for_their_agency_only(login) -> None:
    lead = f.learning_partner(f.police())
    ours = f.agency_return(f.review(subject_label="Child P"), agency=f.police(), due_on=date(2026, 12, 3))
    f.agency_return(f.review(subject_label="Child H"), agency=f.health())
    body = login(lead).get(url("home")).content.decode()
    assert "For your agency" in body
    assert "Child P" in body
    assert "3 December 2026" in body
    assert "Child H" not in body
    assert "Incidents awaiting notification" not in body
    assert ours.status == ReturnStatus.REQUESTED


def test_a_team_manager_sees_the_incidents_they_recorded(login) -> None:
    manager = f.team_manager()
    f.incident(recorded_by=manager, reference="SIN-MINE")
    f.incident(reference="SIN-THEIRS")
    body = login(manager).get(url("home")).content.decode()
    assert "Serious incidents you recorded" in body
    assert "SIN-MINE" in body
    assert "SIN-THEIRS" not in body


def test_staff_without_a_learning_capability_are_refused(login) -> None:
    """R18: deny by default."""
    client = login(UserFactory(role=Role.SOCIAL_WORKER))
    assert client.get(url("home")).status_code == 403
    client.logout()
    assert client.get(url("home")).status_code == 302  # anonymous: sign in first


def test_the_home_takes_a_flat_number_of_queries(login, django_assert_max_num_queries) -> None:
    manager = f.partnership_manager()
    f.agency_return(f.review(), agency=f.police())
    f.incident()
    client = login(manager)
    client.get(url("home"))

    with CaptureQueriesContext(connection) as one:
        client.get(url("home"))
    for n in range(4):
        review = f.review(subject_label=f"Child {n}")
        f.agency_return(review, agency=f.health())
        f.incident()
    with django_assert_max_num_queries(len(one)):
        response = client.get(url("home"))
    assert response.content.decode().count("return from Synthetic Health Trust") == 4
