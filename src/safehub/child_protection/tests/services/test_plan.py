"""cp_plan_end and core_group_record: refusals at the field with nothing written, the unheld review
removed, and the chair/record policies.
"""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.child_protection.constants import ConferenceKind, PlanEndReason
from safehub.child_protection.models import ChildProtectionPlan, Conference, CoreGroupMeeting
from safehub.child_protection.services.conference import conference_record
from safehub.child_protection.services.plan import core_group_record, cp_plan_end
from safehub.platform.errors import NotFoundOrForbidden

from .protection_cases import chair, on_plan
from .referral_cases import NOW, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def iro():
    return chair()


@pytest.fixture
def planned(iro):
    worker, _ = staff()
    _ref, plan = on_plan(worker, iro)
    return plan


def _end(actor, plan, **kwargs):
    kwargs.setdefault("ended_on", date(2026, 11, 20))
    kwargs.setdefault("reason", PlanEndReason.LOOKED_AFTER)
    return cp_plan_end(actor=actor, plan=plan, expected_version=plan.version, **kwargs)


def _refused(fn, field, *args, **kwargs):
    events = AuditEvent.objects.count()
    meetings = CoreGroupMeeting.objects.count()
    with pytest.raises(ValidationError) as error:
        fn(*args, **kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert AuditEvent.objects.count() == events
    assert CoreGroupMeeting.objects.count() == meetings
    return " ".join(error.value.message_dict[field])


def test_ending_a_plan_records_the_reason_and_removes_the_unheld_review(iro, planned):
    review = planned.conferences.get(kind=ConferenceKind.REVIEW, held_on__isnull=True)
    _end(iro, planned)
    planned.refresh_from_db()
    assert (planned.ended_on, planned.end_reason) == (date(2026, 11, 20), PlanEndReason.LOOKED_AFTER)
    assert planned.version == 2
    assert planned.updated_by == iro
    assert not Conference.objects.filter(pk=review.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(review.pk), verb="delete", reason="plan_ended").exists()
    assert AuditEvent.objects.filter(
        object_id=str(planned.pk), section="cp_plan", reason="looked_after"
    ).exists()


def test_ending_a_plan_refusals_nothing_written(iro, planned):
    assert "ends at a review conference" in _refused(
        _end, "reason", iro, planned, reason=PlanEndReason.REVIEW_CONFERENCE
    )
    assert "Choose why" in _refused(_end, "reason", iro, planned, reason="")
    assert "from the list" in _refused(_end, "reason", iro, planned, reason="bored")
    assert "before the plan start on 26 October 2026" in _refused(
        _end, "ended_on", iro, planned, ended_on=date(2026, 10, 23)
    )
    assert "cannot be in the future" in _refused(_end, "ended_on", iro, planned, ended_on=date(2026, 11, 27))
    assert "Enter the date" in _refused(_end, "ended_on", iro, planned, ended_on=None)
    planned.refresh_from_db()
    assert planned.ended_on is None
    assert planned.version == 1
    assert Conference.objects.filter(plan=planned, held_on__isnull=True).count() == 1


def test_an_ended_plan_cannot_end_again(iro, planned):
    _end(iro, planned)
    planned.refresh_from_db()
    assert "ended on 20 November 2026" in _refused(_end, "__all__", iro, planned)


def test_a_plan_cannot_end_before_its_last_review(iro, planned):
    review = planned.conferences.get(kind=ConferenceKind.REVIEW, held_on__isnull=True)
    conference_record(
        actor=iro,
        conference=review,
        expected_version=review.version,
        held_on=date(2026, 11, 20),
        decision="continue",
    )
    planned.refresh_from_db()
    assert "before the last review conference on 20 November 2026" in _refused(
        _end, "ended_on", iro, planned, ended_on=date(2026, 11, 19)
    )


def test_only_a_chair_or_manager_ends_a_plan(planned):
    worker, manager = staff()
    with pytest.raises(NotFoundOrForbidden):
        _end(worker, planned)
    _end(manager, planned)
    assert ChildProtectionPlan.objects.get(pk=planned.pk).ended_on == date(2026, 11, 20)


def test_a_core_group_is_recorded(planned):
    worker, _ = staff()
    meeting = core_group_record(actor=worker, plan=planned, held_on=date(2026, 11, 4), notes="  Synthetic.  ")
    assert (meeting.plan, meeting.held_on, meeting.notes, meeting.recorded_by) == (
        planned,
        date(2026, 11, 4),
        "Synthetic.",
        worker,
    )
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), section="core_group", verb="create").exists()


def test_core_group_refusals_nothing_written(iro, planned):
    worker, _ = staff()

    def record(**kwargs):
        return core_group_record(actor=worker, plan=planned, **kwargs)

    assert "before the plan start on 26 October 2026" in _refused(
        record, "held_on", held_on=date(2026, 10, 23)
    )
    assert "cannot be in the future" in _refused(record, "held_on", held_on=date(2026, 12, 1))
    assert "Enter the date" in _refused(record, "held_on", held_on=None)
    _end(iro, planned)
    planned.refresh_from_db()
    assert "ended on 20 November 2026" in _refused(record, "__all__", held_on=date(2026, 11, 10))
    with pytest.raises(NotFoundOrForbidden):
        core_group_record(actor=iro, plan=planned, held_on=date(2026, 11, 4))  # an IRO records no casework


def test_no_service_starts_a_plan_except_a_conference():
    """ADR 0004, decision 5: the plan services end plans; only a conference decision starts one."""
    from safehub.child_protection.services import conference, plan

    starters = [
        n
        for n in (*vars(plan), *vars(conference))
        if n.startswith(("cp_plan_", "plan_"))
        and callable(getattr(plan, n, None) or getattr(conference, n, None))
    ]
    assert starters == ["cp_plan_end"]
