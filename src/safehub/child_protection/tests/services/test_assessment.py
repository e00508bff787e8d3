"""Assessments: start, update, complete, authorise, return; the 45-working-day clock; policy."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseLevel, NoteKind, TaskStatus
from safehub.casework.models import CaseNote, Task
from safehub.child_protection.constants import Clock
from safehub.child_protection.models import Assessment, Referral
from safehub.child_protection.services.assessment import (
    assessment_authorise,
    assessment_complete,
    assessment_return,
    assessment_start,
    assessment_update,
)
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .referral_cases import NOW, REFERRAL_DATE, completed, referral, staff, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _assessment_task(ref: Referral) -> Task:
    return Task.objects.get(involvement=ref.involvement, key=Clock.ASSESSMENT)


def _errors(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


# --- start -----------------------------------------------------------------------------------


def test_start_sets_the_due_date_45_working_days_from_the_referral():
    worker, _ = staff()
    ref = referral(worker)
    assessment = started(worker, ref, date(2026, 10, 6))
    assert assessment.due_on == add_working_days(REFERRAL_DATE, 45)
    task = _assessment_task(ref)
    assert task.status == TaskStatus.OPEN
    assert task.due_on == assessment.due_on
    ref.involvement.refresh_from_db()
    assert ref.involvement.level == CaseLevel.ASSESSMENT
    assert AuditEvent.objects.filter(
        object_id=str(assessment.pk), section="assessment", reason="started"
    ).exists()


@pytest.mark.parametrize(
    ("started_on", "message"),
    [
        (date(2026, 11, 27), "The start date of the assessment cannot be in the future."),
        (
            date(2026, 9, 30),
            "The start date of the assessment cannot be before the referral on 1 October 2026.",
        ),
        (None, "Enter the start date of the assessment."),
    ],
)
def test_start_date_must_be_a_valid_activity_date(started_on, message):
    """CIN census 1103-1105, 2889: nothing before the referral."""
    worker, _ = staff()
    ref = referral(worker)
    errors = _errors(assessment_start, actor=worker, referral=ref, started_on=started_on)
    assert errors["started_on"] == [message]
    assert not Assessment.objects.exists()


def test_one_open_assessment_at_a_time():
    worker, _ = staff()
    ref = referral(worker)
    started(worker, ref)
    errors = _errors(assessment_start, actor=worker, referral=ref, started_on=date(2026, 10, 20))
    assert "An assessment started on 2 October 2026 is still open" in errors["started_on"][0]
    assert Assessment.objects.count() == 1


def test_a_closed_referral_takes_no_new_assessment():
    """CIN census 8565: nothing after closure."""
    worker, _ = staff()
    ref = referral(worker)
    Referral.objects.filter(pk=ref.pk).update(closed_on=date(2026, 10, 3), closure_reason="RC7", nfa=True)
    ref.refresh_from_db()
    errors = _errors(assessment_start, actor=worker, referral=ref, started_on=date(2026, 10, 2))
    assert any("closed on 3 October 2026" in m for m in errors["__all__"])
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_MANAGER])
def test_start_needs_record_casework(role):
    worker, _ = staff()
    ref = referral(worker)
    with pytest.raises(NotFoundOrForbidden):
        assessment_start(actor=UserFactory(role=role), referral=ref, started_on=date(2026, 10, 2))


# --- update and complete ------------------------------------------------------------------------


def test_update_saves_progress():
    worker, _ = staff()
    a = started(worker, referral(worker))
    assessment_update(
        actor=worker,
        assessment=a,
        expected_version=a.version,
        child_seen_on=date(2026, 10, 3),
        factors=["16A", " 3B "],
        summary=" Seen at school. ",
    )
    a.refresh_from_db()
    assert (a.child_seen_on, a.factors, a.summary) == (date(2026, 10, 3), ["16A", "3B"], "Seen at school.")


def test_the_child_cannot_be_seen_before_the_assessment_started():
    worker, _ = staff()
    a = started(worker, referral(worker), date(2026, 10, 6))
    errors = _errors(
        assessment_update,
        actor=worker,
        assessment=a,
        expected_version=a.version,
        child_seen_on=date(2026, 10, 5),
        factors=[],
        summary="",
    )
    assert errors["child_seen_on"] == [
        "The date the child was seen cannot be before the start of the assessment on 6 October 2026."
    ]


def test_update_with_a_stale_version_is_a_conflict():
    """R49."""
    worker, _ = staff()
    a = started(worker, referral(worker))
    stale = a.version
    assessment_update(
        actor=worker, assessment=a, expected_version=stale, child_seen_on=None, factors=[], summary="A"
    )
    other = Assessment.objects.get(pk=a.pk)
    with pytest.raises(ConflictError):
        assessment_update(
            actor=worker,
            assessment=other,
            expected_version=stale,
            child_seen_on=None,
            factors=[],
            summary="B",
        )
    assert Assessment.objects.get(pk=a.pk).summary == "A"


def test_completion_records_the_outcome_and_does_not_stop_the_clock():
    worker, _ = staff()
    ref = referral(worker)
    a = completed(worker, ref)
    a.refresh_from_db()
    assert (a.completed_on, a.outcome, a.factors) == (date(2026, 11, 2), "cin_plan", ["16A", "3B"])
    assert a.is_open
    assert _assessment_task(ref).status == TaskStatus.OPEN


def _complete(worker, a, **overrides):
    values = {
        "actor": worker,
        "assessment": a,
        "expected_version": a.version,
        "completed_on": date(2026, 11, 2),
        "outcome": "cin_plan",
        "factors": ["16A"],
        "child_seen_on": None,
        "summary": "",
    }
    values.update(overrides)
    return _errors(assessment_complete, **values)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Choose the outcome of the assessment."),
        ({"outcome": "adopted"}, "outcome", "Choose an outcome from the list."),
        ({"factors": []}, "factors", "Choose the factors identified, or 21 (no factors identified)."),
        (
            {"completed_on": date(2026, 10, 1)},
            "completed_on",
            "The completion date cannot be before the start of the assessment on 2 October 2026.",
        ),
        (
            {"completed_on": date(2026, 11, 30)},
            "completed_on",
            "The completion date cannot be in the future.",
        ),
    ],
)
def test_completion_is_refused_at_the_field(overrides, field, message):
    worker, _ = staff()
    a = started(worker, referral(worker))
    errors = _complete(worker, a, **overrides)
    assert message in errors[field]
    a.refresh_from_db()
    assert a.completed_on is None
    assert a.outcome == ""


def test_a_completed_assessment_is_not_edited_by_the_worker():
    worker, _ = staff()
    a = completed(worker, referral(worker))
    errors = _errors(
        assessment_update,
        actor=worker,
        assessment=a,
        expected_version=a.version,
        child_seen_on=None,
        factors=[],
        summary="",
    )
    assert "sent for authorisation" in errors["__all__"][0]


# --- authorise and return ----------------------------------------------------------------------


def test_authorisation_stops_the_clock_on_the_day_it_was_authorised():
    worker, manager = staff()
    ref = referral(worker)
    a = completed(worker, ref)
    assessment_authorise(
        actor=manager, assessment=a, expected_version=a.version, authorised_on=date(2026, 11, 4)
    )
    a.refresh_from_db()
    assert a.authorised_on == date(2026, 11, 4)
    assert a.authorised_by == manager
    task = _assessment_task(ref)
    assert task.status == TaskStatus.DONE
    assert task.completed_on == date(2026, 11, 4)
    assert not Task.objects.filter(involvement=ref.involvement, status=TaskStatus.OPEN).exists()
    assert AuditEvent.objects.filter(object_id=str(a.pk), reason="authorised").exists()


def test_a_social_worker_cannot_authorise():
    worker, _ = staff()
    a = completed(worker, referral(worker))
    with pytest.raises(NotFoundOrForbidden):
        assessment_authorise(
            actor=worker, assessment=a, expected_version=a.version, authorised_on=date(2026, 11, 4)
        )


def test_only_a_completed_assessment_is_authorised():
    worker, manager = staff()
    a = started(worker, referral(worker))
    errors = _errors(
        assessment_authorise,
        actor=manager,
        assessment=a,
        expected_version=a.version,
        authorised_on=date(2026, 11, 4),
    )
    assert errors["__all__"] == ["The assessment has not been completed: the worker completes it first."]


def test_authorisation_is_not_before_completion():
    worker, manager = staff()
    a = completed(worker, referral(worker))
    errors = _errors(
        assessment_authorise,
        actor=manager,
        assessment=a,
        expected_version=a.version,
        authorised_on=date(2026, 11, 1),
    )
    assert errors["authorised_on"] == [
        "The date of authorisation cannot be before the completion of the assessment on 2 November 2026."
    ]
    a.refresh_from_db()
    assert a.authorised_on is None


def test_return_clears_the_completion_and_keeps_the_reason_on_the_record_not_in_the_audit():
    """R27: the manager's words go in a management oversight note; the audit has a fixed code."""
    worker, manager = staff()
    ref = referral(worker)
    a = completed(worker, ref)
    reason = "Synthetic: add the father's view."
    assessment_return(actor=manager, assessment=a, expected_version=a.version, reason=reason)
    a.refresh_from_db()
    assert a.completed_on is None
    assert a.outcome == ""
    assert a.is_open
    note = CaseNote.objects.get(involvement=ref.involvement)
    assert (note.kind, note.text, note.author) == (NoteKind.MANAGEMENT_OVERSIGHT, reason, manager)
    event = AuditEvent.objects.get(object_id=str(a.pk), reason="returned")
    assert reason not in str(event.detail)
    assert _assessment_task(ref).status == TaskStatus.OPEN
    # The worker can change it and send it again.
    assessment_complete(
        actor=worker,
        assessment=a,
        expected_version=a.version,
        completed_on=date(2026, 11, 20),
        outcome="nfa",
        factors=["21"],
        child_seen_on=None,
        summary="",
    )


def test_return_needs_a_reason_and_a_completed_assessment():
    worker, manager = staff()
    a = completed(worker, referral(worker))
    errors = _errors(assessment_return, actor=manager, assessment=a, expected_version=a.version, reason="  ")
    assert "reason" in errors
    assert not CaseNote.objects.exists()
    b = started(worker, referral(worker))
    errors = _errors(assessment_return, actor=manager, assessment=b, expected_version=b.version, reason="Why")
    assert "nothing to return" in errors["__all__"][0]


def test_a_social_worker_cannot_return():
    worker, _ = staff()
    a = completed(worker, referral(worker))
    with pytest.raises(NotFoundOrForbidden):
        assessment_return(actor=worker, assessment=a, expected_version=a.version, reason="No")
