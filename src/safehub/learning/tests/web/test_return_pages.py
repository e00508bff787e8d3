"""Agency returns (issue 10, item 2; ADR 0008 §4): the partnership asks, the agency's safeguarding
lead answers. A partner sees only their own agency's returns (R18, R19); reading one is audited
(R27)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent

from ...constants import ReturnStatus, ReviewStatus
from ...models import AgencyReturn
from .. import factories as f
from .conftest import day, url

pytestmark = pytest.mark.django_db

TODAY = f.TODAY


def test_the_partnership_asks_an_agency_for_its_return(login) -> None:
    review = f.review(subject_label="Child A")
    health = f.health()
    client = login(f.partnership_manager())
    page = client.get(url("review", review)).content.decode()
    assert "Ask an agency for its return" in page
    assert client.get(url("return_request", review)).status_code == 200
    response = client.post(
        url("return_request", review),
        {"agency": str(health.pk), "question": "What did you know of the family?"}
        | day("requested_on", TODAY),
    )
    assert response.status_code == 302
    assert response.url == url("review", review)
    made = AgencyReturn.objects.get()
    assert made.agency == health
    assert made.due_on == date(2026, 12, 3)  # 5 working days from Thursday 26 November 2026


def test_asking_the_same_agency_twice_is_refused_at_the_field(login) -> None:
    review = f.review()
    f.agency_return(review, agency=f.police())
    client = login(f.partnership_manager())
    body = client.post(
        url("return_request", review),
        {"agency": str(f.police().pk), "question": "Again?"} | day("requested_on", TODAY),
    ).content.decode()
    assert 'href="#id_agency"' in body
    assert "has already been asked for a return" in body
    assert AgencyReturn.objects.count() == 1


def test_a_partner_lists_and_answers_their_agencys_returns(login) -> None:
    ours = f.agency_return(f.review(subject_label="Child P"), agency=f.police(), due_on=date(2026, 11, 24))
    f.agency_return(f.review(subject_label="Child H"), agency=f.health())
    lead = f.learning_partner(f.police())
    client = login(lead)
    listing = client.get(url("return_list")).content.decode()
    assert "<h1" in listing
    assert "Returns for your agency" in listing
    assert "Child P" in listing
    assert "Overdue by 2 days" in listing
    assert "Child H" not in listing
    page = client.get(url("return", ours)).content.decode()
    assert ours.question in page
    assert "Answer the return" in page
    assert client.get(url("return_answer", ours)).status_code == 200
    response = client.post(
        url("return_answer", ours),
        {"version": ours.version, "response": "Two call-outs in 2026; no referral made."}
        | day("received_on", TODAY),
    )
    assert response.status_code == 302
    assert response.url == url("return", ours)
    ours.refresh_from_db()
    assert ours.status == ReturnStatus.RECEIVED
    assert ours.answered_by == lead
    assert "Answer the return" not in client.get(url("return", ours)).content.decode()


def test_a_partner_cannot_open_another_agencys_return(login) -> None:
    """R19: a police lead opening a health return gets the 404 of a return that does not exist."""
    health_return = f.agency_return(agency=f.health())
    client = login(f.learning_partner(f.police()))
    assert client.get(url("return", health_return)).status_code == 404
    assert client.get(url("return_answer", health_return)).status_code == 404


def test_staff_without_learning_are_refused_returns(login) -> None:
    """R18."""
    found = f.agency_return()
    client = login(UserFactory(role=Role.SOCIAL_WORKER))
    assert client.get(url("return_list")).status_code == 403
    assert client.get(url("return", found)).status_code == 403


def test_opening_a_return_is_audited(login) -> None:
    """R27."""
    found = f.agency_return(agency=f.police())
    lead = f.learning_partner(f.police())
    login(lead).get(url("return", found))
    assert AuditEvent.objects.filter(
        verb=Verb.VIEW, object_id=str(found.pk), section="agency_return", actor=lead
    ).exists()


def test_an_empty_answer_is_refused_at_the_field(login) -> None:
    found = f.agency_return(agency=f.police())
    client = login(f.learning_partner(f.police()))
    body = client.post(
        url("return_answer", found), {"version": found.version, "response": ""} | day("received_on", TODAY)
    ).content.decode()
    assert 'href="#id_response"' in body
    assert "Enter what your agency knew" in body
    found.refresh_from_db()
    assert found.status == ReturnStatus.REQUESTED


def test_a_stale_answer_shows_the_conflict(login) -> None:
    """R49: the partnership recorded an answer meanwhile."""
    found = f.agency_return(agency=f.police())
    AgencyReturn.objects.filter(pk=found.pk).update(version=found.version + 1)
    client = login(f.learning_partner(f.police()))
    body = client.post(
        url("return_answer", found),
        {"version": found.version, "response": "Ours."} | day("received_on", TODAY),
    ).content.decode()
    assert "after you opened it" in body
    found.refresh_from_db()
    assert found.status == ReturnStatus.REQUESTED


def test_no_return_is_asked_for_once_a_review_is_completed(login) -> None:
    review = f.review(status=ReviewStatus.COMPLETED, completed_on=TODAY)
    client = login(f.partnership_manager())
    assert "Ask an agency for its return" not in client.get(url("review", review)).content.decode()
    body = client.post(
        url("return_request", review),
        {"agency": str(f.health().pk), "question": "Anything?"} | day("requested_on", TODAY),
    ).content.decode()
    assert "govuk-error-summary" in body
    assert "you cannot ask agencies for more information" in body
    assert not AgencyReturn.objects.exists()


def test_the_list_takes_a_flat_number_of_queries(login, django_assert_max_num_queries) -> None:
    lead = f.learning_partner(f.police())
    f.agency_return(f.review(subject_label="Child 0"), agency=f.police())
    client = login(lead)
    client.get(url("return_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("return_list"))
    for n in range(1, 5):
        f.agency_return(f.review(subject_label=f"Child {n}"), agency=f.police())
    with django_assert_max_num_queries(len(one)):
        body = client.get(url("return_list")).content.decode()
    assert all(f"Child {n}" in body for n in range(5))
