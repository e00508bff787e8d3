"""Agency returns: request, answer, chase once (issue 10, item 2; ADR 0008 §4; R19, R49, R52)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from ...constants import ReturnStatus, ReviewKind, ReviewStatus
from ...models import AgencyReturn, Review
from ...services.returns import agency_return_answer, agency_return_request, agency_returns_chase
from .. import factories as f

pytestmark = pytest.mark.django_db

QUESTION = "What did your agency know of the family in the last two years?"


def _rapid() -> Review:
    kid = f.child(given_name="Synthia", family_name="Testcase")
    return f.review(incident=f.incident(child=kid), started_on=date(2026, 11, 18))


def _request(actor: Any, review: Review, agency: Any, **fields: Any) -> AgencyReturn:
    values: dict[str, Any] = {"question": QUESTION, "requested_on": date(2026, 11, 19)}
    values.update(fields)
    return agency_return_request(actor=actor, review=review, agency=agency, **values)


def test_asking_an_agency_sets_the_due_date_and_tells_its_safeguarding_lead(
    django_capture_on_commit_callbacks: Any,
) -> None:
    police = f.police()
    f.learning_partner(police, email="lead@police.example.test")
    f.learning_partner(police, email="gone@police.example.test", is_active=False)
    f.learning_partner(f.health(), email="lead@health.example.test")
    manager = f.partnership_manager()
    review = _rapid()
    with django_capture_on_commit_callbacks(execute=True):
        agency_return = _request(manager, review, police)
    # R52: 5 working days from Thu 19 Nov.
    assert agency_return.due_on == add_working_days(date(2026, 11, 19), 5) == date(2026, 11, 26)
    assert (agency_return.status, agency_return.requested_by) == (ReturnStatus.REQUESTED, manager)
    assert [m.to for m in mail.outbox] == [["lead@police.example.test"]]
    body = mail.outbox[0].body
    assert "Child F" in body
    assert "26 November 2026" in body
    assert "Synthia" not in body
    assert "Testcase" not in body
    assert AuditEvent.objects.filter(
        object_id=str(agency_return.pk), verb="create", section="agency_return"
    ).exists()


def test_one_return_per_agency_per_review() -> None:
    manager = f.partnership_manager()
    review = _rapid()
    _request(manager, review, f.police())
    with pytest.raises(ValidationError) as error:
        _request(manager, review, f.police())
    assert error.value.message_dict == {
        "agency": ["Synthetic Constabulary has already been asked for a return for this review."]
    }
    _request(manager, review, f.health())
    assert AgencyReturn.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"question": " "}, "question"),
        ({"requested_on": date(2026, 11, 17)}, "requested_on"),  # before the review started
        ({"requested_on": f.TODAY + timedelta(days=1)}, "requested_on"),
        ({"agency": None}, "agency"),
    ],
)
def test_a_request_refuses_bad_input_at_its_field(fields: dict[str, Any], field: str) -> None:
    agency = fields.pop("agency", f.police())
    with pytest.raises(ValidationError) as error:
        _request(f.partnership_manager(), _rapid(), agency, **fields)
    assert list(error.value.message_dict) == [field]
    assert not AgencyReturn.objects.exists()


def test_only_the_partnership_asks_and_only_while_the_review_runs() -> None:
    review = _rapid()
    with pytest.raises(NotFoundOrForbidden):
        _request(f.learning_partner(), review, f.health())
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.COMPLETED, completed_on=f.TODAY)
    review.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _request(f.partnership_manager(), review, f.health())
    assert "you cannot ask agencies for more information" in error.value.message_dict["__all__"][0]


def _answer(actor: Any, agency_return: AgencyReturn, **fields: Any) -> AgencyReturn:
    values: dict[str, Any] = {
        "expected_version": agency_return.version,
        "response": "Two call-outs in 2025; no referral made (synthetic).",
        "received_on": f.TODAY,
    }
    values.update(fields)
    return agency_return_answer(actor=actor, agency_return=agency_return, **values)


def test_the_agencys_lead_answers_once() -> None:
    agency_return = f.agency_return(agency=f.police())
    lead = f.learning_partner(f.police())
    _answer(lead, agency_return)
    agency_return.refresh_from_db()
    assert (
        agency_return.status,
        agency_return.received_on,
        agency_return.answered_by,
        agency_return.version,
    ) == (
        ReturnStatus.RECEIVED,
        f.TODAY,
        lead,
        2,
    )
    assert AuditEvent.objects.filter(object_id=str(agency_return.pk), reason="answered").exists()
    with pytest.raises(ValidationError) as error:
        _answer(lead, agency_return)
    assert error.value.message_dict == {"__all__": ["This return was already answered on 26 November 2026."]}


def test_another_agency_cannot_answer() -> None:
    """R19: a return addressed to the police is not the health trust's to see."""
    agency_return = f.agency_return(agency=f.police())
    with pytest.raises(NotFoundOrForbidden):
        _answer(f.learning_partner(f.health()), agency_return)
    with pytest.raises(NotFoundOrForbidden):
        _answer(UserFactory(role=Role.SOCIAL_WORKER), agency_return)
    _answer(f.partnership_manager(), agency_return)  # the partnership may record it for them


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"response": ""}, "response"),
        ({"received_on": date(2026, 11, 18)}, "received_on"),  # before it was asked for
        ({"received_on": f.TODAY + timedelta(days=1)}, "received_on"),
    ],
)
def test_an_answer_refuses_bad_input_at_its_field(fields: dict[str, Any], field: str) -> None:
    agency_return = f.agency_return(agency=f.police())
    with pytest.raises(ValidationError) as error:
        _answer(f.learning_partner(f.police()), agency_return, **fields)
    assert list(error.value.message_dict) == [field]
    agency_return.refresh_from_db()
    assert agency_return.status == ReturnStatus.REQUESTED


def test_a_stale_answer_is_a_conflict() -> None:
    """R49: the lead and the partnership answer from the same page; the second is refused."""
    agency_return = f.agency_return(agency=f.police())
    mine = AgencyReturn.objects.get(pk=agency_return.pk)
    _answer(f.partnership_manager(), agency_return, response="Recorded by the partnership.")
    mine.status = ReturnStatus.REQUESTED  # as the lead's page still shows it
    with pytest.raises(ConflictError):
        _answer(f.learning_partner(f.police()), mine, expected_version=1, response="Recorded by the lead.")
    agency_return.refresh_from_db()
    assert agency_return.response == "Recorded by the partnership."


# --- the nightly chase ----------------------------------------------------------------------------


def test_an_overdue_return_is_chased_once(django_capture_on_commit_callbacks: Any) -> None:
    police, health = f.police(), f.health()
    f.learning_partner(police, email="lead@police.example.test")
    f.learning_partner(health, email="lead@health.example.test")
    f.partnership_manager(email="manager@partnership.example.test")
    review = _rapid()
    overdue = f.agency_return(review, agency=police, due_on=date(2026, 11, 25))
    f.agency_return(review, agency=health, due_on=f.TODAY)  # due today: not yet overdue
    answered = f.agency_return(
        f.review(kind=ReviewKind.LOCAL),
        agency=police,
        due_on=date(2026, 11, 20),
        status=ReturnStatus.RECEIVED,
        received_on=date(2026, 11, 20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert agency_returns_chase(today=f.TODAY) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert agency_returns_chase(today=f.TODAY) == 0
    recipients = [m.to[0] for m in mail.outbox]
    # The factories' own partnership managers are told too: every active one, once each.
    managers = set(
        User.objects.filter(role=Role.PARTNERSHIP_MANAGER, is_active=True).values_list("email", flat=True)
    )
    assert sorted(recipients) == sorted({"lead@police.example.test", *managers})
    assert "manager@partnership.example.test" in managers
    for message in mail.outbox:
        assert "Child F" in message.body
        assert "Synthia" not in message.body
        assert "Testcase" not in message.body
    overdue.refresh_from_db()
    answered.refresh_from_db()
    assert (overdue.chased_on, overdue.version) == (f.TODAY, 1)
    assert answered.chased_on is None
    assert AuditEvent.objects.filter(
        object_id=str(overdue.pk), actor_label="learning_sweep", section="chased"
    ).exists()


def test_the_chase_defaults_to_today_and_reaches_returns_due_earlier() -> None:
    f.agency_return(agency=f.police(), due_on=f.TODAY - timedelta(days=10))
    assert agency_returns_chase() == 1
    assert agency_returns_chase() == 0
