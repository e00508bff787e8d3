"""assessment_start/update/complete and consent_record (issue 9, item 2)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.early_help.constants import Clock, ConsentState, NeedArea
from safehub.early_help.models import Consent
from safehub.early_help.services import (
    assessment_complete,
    assessment_start,
    assessment_update,
    consent_latest,
    consent_record,
)
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from ..factories import OPENED, TODAY, adult, opened, partner, practitioner

pytestmark = pytest.mark.django_db


def _fill(actor, assessment, **fields):
    values: dict[str, Any] = {
        "strengths": "Mum walks the children to school most days.",
        "needs": [NeedArea.EDUCATION, NeedArea.HEALTH],
        "needs_summary": "Attendance at 82%.",
        "family_views": "We want mornings to be calmer.",
        "child_views": "I like art club.",
    }
    values.update(fields)
    return assessment_update(
        actor=actor, assessment=assessment, expected_version=assessment.version, **values
    )


def test_an_assessment_completed_with_the_familys_words_satisfies_the_clock():
    worker = practitioner()
    episode = opened(worker)
    assessment = assessment_start(actor=worker, episode=episode, started_on=date(2026, 10, 5))
    assert Task.objects.get(key=Clock.ASSESSMENT).title == "Complete the early help assessment"
    _fill(worker, assessment)
    assessment_complete(
        actor=worker,
        assessment=assessment,
        expected_version=assessment.version,
        completed_on=date(2026, 11, 2),
    )
    task = Task.objects.get(key=Clock.ASSESSMENT)
    assert (task.status, task.completed_on, task.completed_by) == (TaskStatus.DONE, date(2026, 11, 2), worker)
    assert assessment.completed_by == worker
    assert AuditEvent.objects.filter(object_id=str(assessment.pk), reason="completed").exists()


def test_completion_needs_needs_and_the_familys_views_and_a_date_in_order():
    worker = practitioner()
    episode = opened(worker)
    assessment = assessment_start(actor=worker, episode=episode, started_on=date(2026, 10, 5))
    with pytest.raises(ValidationError) as error:
        assessment_complete(
            actor=worker,
            assessment=assessment,
            expected_version=assessment.version,
            completed_on=date(2026, 10, 4),
        )
    assert set(error.value.message_dict) == {"needs", "family_views", "completed_on"}
    assert "before it started on 5 October 2026" in error.value.message_dict["completed_on"][0]


def test_one_assessment_at_a_time_and_none_before_the_episode():
    worker = practitioner()
    episode = opened(worker)
    with pytest.raises(ValidationError) as error:
        assessment_start(actor=worker, episode=episode, started_on=OPENED - timedelta(days=1))
    assert "before early help started on 1 October 2026" in error.value.message_dict["started_on"][0]
    assessment_start(actor=worker, episode=episode, started_on=OPENED)
    with pytest.raises(ValidationError) as error:
        assessment_start(actor=worker, episode=episode, started_on=TODAY)
    assert "still open" in error.value.message_dict["__all__"][0]


def test_needs_come_from_the_list_and_a_stale_page_is_a_conflict():
    worker = practitioner()
    assessment = assessment_start(actor=worker, episode=opened(worker), started_on=OPENED)
    with pytest.raises(ValidationError) as error:
        _fill(worker, assessment, needs=["astrology"])
    assert "needs" in error.value.message_dict
    _fill(worker, assessment)
    with pytest.raises(ConflictError):
        assessment_update(
            actor=worker,
            assessment=assessment,
            expected_version=1,
            strengths="",
            needs=[],
            needs_summary="",
            family_views="",
            child_views="",
        )


def test_a_partner_not_on_the_episode_cannot_record_an_assessment():
    worker = practitioner()
    with pytest.raises(NotFoundOrForbidden):
        assessment_start(actor=partner(), episode=opened(worker), started_on=OPENED)


def test_consent_is_a_log_and_a_withdrawal_says_what_happens_next():
    worker = practitioner()
    mum = adult()
    episode = opened(worker, adults=[mum])
    consent_record(
        actor=worker,
        episode=episode,
        state=ConsentState.GIVEN,
        recorded_on=OPENED,
        given_by=mum,
        scope="Share with the school and the GP.",
    )
    with pytest.raises(ValidationError) as error:
        consent_record(actor=worker, episode=episode, state=ConsentState.WITHDRAWN, recorded_on=TODAY)
    assert "withdrawn consent" in error.value.message_dict["next_steps"][0]
    withdrawn = consent_record(
        actor=worker,
        episode=episode,
        state=ConsentState.WITHDRAWN,
        recorded_on=TODAY,
        given_by=mum,
        next_steps="Discussed with the team manager: no safeguarding concern; early help will close.",
    )
    assert consent_latest(episode) == withdrawn
    assert Consent.objects.count() == 2
    assert AuditEvent.objects.filter(
        object_id=str(withdrawn.pk), section="consent", reason="withdrawn"
    ).exists()


@pytest.mark.parametrize(
    ("recorded_on", "message"),
    [
        (OPENED - timedelta(days=1), "before early help started"),
        (TODAY + timedelta(days=1), "cannot be in the future"),
    ],
)
def test_consent_cannot_be_dated_before_the_episode_or_in_the_future(recorded_on, message):
    worker = practitioner()
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=worker, episode=opened(worker), state=ConsentState.GIVEN, recorded_on=recorded_on
        )
    assert message in error.value.message_dict["recorded_on"][0]


def test_consent_is_given_by_someone_in_the_family():
    worker = practitioner()
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=worker,
            episode=opened(worker),
            state=ConsentState.GIVEN,
            recorded_on=OPENED,
            given_by=adult(),
        )
    assert "given_by" in error.value.message_dict
