"""section47_complete: the outcome, the initial conference it schedules, and the ICPC clock."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.child_protection.constants import Clock, ConferenceKind
from safehub.child_protection.models import Conference, Section47Enquiry
from safehub.child_protection.services.strategy import section47_complete
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .referral_cases import NOW, referral, staff, strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _enquiry(worker) -> Section47Enquiry:
    ref = referral(worker)
    discussion = strategy(worker, ref, held_on=date(2026, 10, 12))
    return Section47Enquiry.objects.get(strategy_discussion=discussion)


def test_outcome_conference_schedules_the_initial_conference_due_on_the_icpc_date():
    worker, _ = staff()
    enquiry = _enquiry(worker)
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="conference",
        summary=" Synthetic findings. ",
    )
    enquiry.refresh_from_db()
    assert (enquiry.completed_on, enquiry.outcome, enquiry.summary) == (
        date(2026, 10, 20),
        "conference",
        "Synthetic findings.",
    )
    conference = Conference.objects.get(section47=enquiry)
    assert conference.kind == ConferenceKind.INITIAL
    assert conference.due_on == enquiry.icpc_due_on
    assert conference.held_on is None
    assert conference.recorded_by == worker
    # The ICPC clock runs on until the conference is held.
    task = Task.objects.get(involvement=enquiry.referral.involvement, key=Clock.ICPC)
    assert task.status == TaskStatus.OPEN
    assert task.due_on == enquiry.icpc_due_on
    assert AuditEvent.objects.filter(
        object_id=str(enquiry.pk), section="section47", reason="conference"
    ).exists()


@pytest.mark.parametrize("outcome", ["cin", "not_substantiated"])
def test_other_outcomes_need_no_conference_and_stop_the_icpc_clock(outcome):
    worker, _ = staff()
    enquiry = _enquiry(worker)
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome=outcome,
    )
    assert not Conference.objects.exists()
    assert not Task.objects.filter(key=Clock.ICPC, status=TaskStatus.OPEN).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Choose the outcome of the enquiry."),
        ({"outcome": "maybe"}, "outcome", "Choose an outcome from the list."),
        (
            {"completed_on": date(2026, 10, 11)},
            "completed_on",
            "The date the enquiry finished cannot be before the start of the enquiry on 12 October 2026.",
        ),
        (
            {"completed_on": date(2026, 11, 27)},
            "completed_on",
            "The date the enquiry finished cannot be in the future.",
        ),
        ({"completed_on": None}, "completed_on", "Enter the date the enquiry finished."),
    ],
)
def test_refused_at_the_field_and_nothing_written(overrides, field, message):
    worker, _ = staff()
    enquiry = _enquiry(worker)
    values = {
        "actor": worker,
        "enquiry": enquiry,
        "expected_version": enquiry.version,
        "completed_on": date(2026, 10, 20),
        "outcome": "conference",
    }
    values.update(overrides)
    with pytest.raises(ValidationError) as error:
        section47_complete(**values)
    assert error.value.message_dict[field] == [message]
    fresh = Section47Enquiry.objects.get(pk=enquiry.pk)
    assert fresh.completed_on is None
    assert fresh.outcome == ""
    assert not Conference.objects.exists()


def test_an_outcome_is_recorded_once():
    worker, _ = staff()
    enquiry = _enquiry(worker)
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="cin",
    )
    with pytest.raises(ValidationError) as error:
        section47_complete(
            actor=worker,
            enquiry=enquiry,
            expected_version=enquiry.version,
            completed_on=date(2026, 10, 21),
            outcome="conference",
        )
    assert error.value.message_dict["__all__"] == ["The enquiry's outcome was recorded on 20 October 2026."]
    assert not Conference.objects.exists()


def test_a_stale_version_is_a_conflict_and_no_conference_is_scheduled():
    """R49, R50."""
    worker, _ = staff()
    enquiry = _enquiry(worker)
    with pytest.raises(ConflictError):
        section47_complete(
            actor=worker,
            enquiry=enquiry,
            expected_version=enquiry.version - 1,
            completed_on=date(2026, 10, 20),
            outcome="conference",
        )
    assert not Conference.objects.exists()
    assert Section47Enquiry.objects.get(pk=enquiry.pk).completed_on is None


def test_needs_record_casework():
    worker, _ = staff()
    enquiry = _enquiry(worker)
    with pytest.raises(NotFoundOrForbidden):
        section47_complete(
            actor=UserFactory(role=Role.IRO),
            enquiry=enquiry,
            expected_version=enquiry.version,
            completed_on=date(2026, 10, 20),
            outcome="conference",
        )
