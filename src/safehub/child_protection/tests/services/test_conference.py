"""conference_schedule, conference_record and transfer_in_conference_record: plans start only
from a conference decision (ADR 0004), CIN census rule 4016, refusals at the field with nothing
written, and the chair policy.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.child_protection.constants import Clock, ConferenceKind, PlanEndReason
from safehub.child_protection.models import ChildInNeedPlan, ChildProtectionPlan, Conference
from safehub.child_protection.services.conference import (
    conference_record,
    conference_schedule,
    transfer_in_conference_record,
)
from safehub.child_protection.services.plan import cin_plan_start
from safehub.child_protection.services.strategy import section47_complete
from safehub.platform.errors import NotFoundOrForbidden

from .protection_cases import ICPC_ON, STRATEGY_ON, awaiting_icpc, chair, on_plan, open_tasks, task
from .referral_cases import NOW, child, referral, staff, strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def iro():
    return chair()


@pytest.fixture
def initial(iro):
    worker, _ = staff()
    _ref, conference = awaiting_icpc(worker)
    assert conference is not None
    return conference


def _record(iro, conference, **kwargs):
    kwargs.setdefault("held_on", ICPC_ON)
    kwargs.setdefault("decision", "plan")
    kwargs.setdefault("category", "NEG")
    return conference_record(actor=iro, conference=conference, expected_version=conference.version, **kwargs)


def _refused(fn, field, *args, **kwargs):
    """Refused with a message at `field`, and nothing written: no plan, no audit event."""
    plans, events = ChildProtectionPlan.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        fn(*args, **kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert ChildProtectionPlan.objects.count() == plans
    assert AuditEvent.objects.count() == events
    return " ".join(error.value.message_dict[field])


# --- Scheduling ----------------------------------------------------------------------------------


def test_scheduling_sets_the_date_and_chair_and_may_be_a_late_entry(iro, initial):
    conference_schedule(
        actor=iro,
        conference=initial,
        expected_version=initial.version,
        scheduled_on=date(2026, 10, 26),
        chair=iro,
    )
    initial.refresh_from_db()
    assert initial.scheduled_on == date(2026, 10, 26)
    assert initial.chair == iro
    assert initial.version == 2
    assert AuditEvent.objects.filter(
        object_id=str(initial.pk), section="conference", reason="scheduled"
    ).exists()


def test_scheduling_refusals(iro, initial):
    def schedule(**kwargs):
        kwargs.setdefault("scheduled_on", date(2026, 10, 26))
        return conference_schedule(actor=iro, conference=initial, expected_version=initial.version, **kwargs)

    assert "Enter the date" in _refused(schedule, "scheduled_on", scheduled_on=None)
    assert "before the referral on 1 October 2026" in _refused(
        schedule, "scheduled_on", scheduled_on=date(2026, 9, 30)
    )
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    assert "cannot chair" in _refused(schedule, "chair", chair=worker)
    initial.refresh_from_db()
    assert initial.scheduled_on is None
    with pytest.raises(NotFoundOrForbidden):
        conference_schedule(
            actor=worker,
            conference=initial,
            expected_version=initial.version,
            scheduled_on=date(2026, 10, 26),
        )


def test_a_held_conference_cannot_be_rearranged(iro, initial):
    _record(iro, initial)
    initial.refresh_from_db()
    assert "held on 26 October 2026" in _refused(
        conference_schedule,
        "scheduled_on",
        actor=iro,
        conference=initial,
        expected_version=initial.version,
        scheduled_on=date(2026, 11, 2),
    )


# --- The initial conference ----------------------------------------------------------------------


def test_an_initial_conference_deciding_plan_starts_the_plan_and_its_first_review(iro, initial):
    conference = _record(iro, initial, category="EMO", chair=iro, quorate=True, summary="  Synthetic.  ")
    conference.refresh_from_db()
    plan = conference.plan
    assert plan is not None
    assert (plan.started_on, plan.initial_category, plan.latest_category) == (ICPC_ON, "EMO", "EMO")
    assert plan.person_id == conference.referral.person_id
    assert not plan.unborn_at_start
    assert (conference.decision, conference.category, conference.quorate, conference.summary) == (
        "plan",
        "EMO",
        True,
        "Synthetic.",
    )
    review = Conference.objects.get(plan=plan, kind=ConferenceKind.REVIEW)
    assert review.due_on == date(2027, 1, 26)
    assert review.held_on is None
    assert AuditEvent.objects.filter(object_id=str(plan.pk), section="cp_plan", verb="create").exists()


def test_an_initial_conference_deciding_no_plan_starts_nothing_and_the_icpc_is_done(iro, initial):
    _record(iro, initial, decision="no_plan", category="")
    assert not ChildProtectionPlan.objects.exists()
    assert task(initial.referral, Clock.ICPC, TaskStatus.DONE).completed_on == ICPC_ON
    assert Clock.CP_VISIT not in open_tasks(initial.referral)


def test_an_unborn_child_s_plan_is_marked_unborn_at_start(iro):
    worker, _ = staff()
    _ref, plan = on_plan(
        worker, iro, person=child(date_of_birth=None, expected_date_of_birth=date(2027, 2, 1))
    )
    assert plan.unborn_at_start


def test_initial_conference_refusals_nothing_written(iro, initial):
    assert "cannot be in the future" in _refused(_record, "held_on", iro, initial, held_on=date(2026, 11, 27))
    assert "before the strategy discussion on 12 October 2026" in _refused(
        _record, "held_on", iro, initial, held_on=date(2026, 10, 9)
    )
    assert "Choose whether the child needs" in _refused(
        _record, "decision", iro, initial, decision="continue"
    )
    assert "Choose the category of abuse" in _refused(_record, "category", iro, initial, category="")
    assert "from the list" in _refused(_record, "category", iro, initial, category="XYZ")
    assert "only when the child needs a plan" in _refused(
        _record, "category", iro, initial, decision="no_plan", category="NEG"
    )
    assert "cannot chair" in _refused(
        _record, "chair", iro, initial, chair=UserFactory(role=Role.SOCIAL_WORKER)
    )
    initial.refresh_from_db()
    assert initial.held_on is None
    assert initial.version == 1


def test_only_a_chair_or_manager_records_a_conference(initial):
    worker, manager = staff()
    with pytest.raises(NotFoundOrForbidden):
        _record(worker, initial)
    _record(manager, initial)  # a team manager may chair
    assert ChildProtectionPlan.objects.count() == 1


def test_an_initial_conference_needs_a_section_47_outcome_of_conference(iro):
    """There is no other way to start a plan: an initial conference with no s47 conference outcome is refused."""
    worker, _ = staff()
    ref, _ = awaiting_icpc(worker, s47_done_on=None)
    stray = Conference.objects.create(
        referral=ref,
        kind=ConferenceKind.INITIAL,
        section47=ref.section47_enquiries.get(),
        recorded_by=worker,
    )
    assert "record that outcome first" in _refused(_record, "__all__", iro, stray)


def test_a_conference_already_recorded_is_refused(iro, initial):
    _record(iro, initial)
    initial.refresh_from_db()
    assert "already recorded as held on 26 October 2026" in _refused(_record, "held_on", iro, initial)


def test_the_icpc_ends_an_open_cin_plan_census_4016(iro):
    """CIN census 4016: a CIN plan never overlaps a CP plan; the plan's start ends it on the day."""
    worker, _ = staff()
    ref = referral(worker)
    cin = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 2))
    strategy(worker, ref, held_on=STRATEGY_ON)
    enquiry = ref.section47_enquiries.get()
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="conference",
    )
    conference = ref.conferences.get(kind="initial")
    _record(iro, conference)
    cin.refresh_from_db()
    assert cin.ended_on == ICPC_ON
    assert AuditEvent.objects.filter(
        object_id=str(cin.pk), section="cin_plan", reason="cp_plan_started"
    ).exists()
    tasks = open_tasks(ref)
    assert Clock.CIN_VISIT not in tasks
    assert Clock.CIN_PLAN_REVIEW not in tasks
    assert Clock.CP_VISIT in tasks


def test_a_plan_cannot_start_before_an_open_cin_plan_began(iro):
    worker, _ = staff()
    ref, conference = awaiting_icpc(worker)
    cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 27))
    assert "cannot start before it" in _refused(_record, "held_on", iro, conference, held_on=ICPC_ON)
    assert ChildInNeedPlan.objects.get(referral=ref).ended_on is None


# --- Review conferences --------------------------------------------------------------------------


@pytest.fixture
def planned(iro):
    worker, _ = staff()
    _ref, plan = on_plan(worker, iro)
    return plan


def _review(plan):
    return plan.conferences.get(kind=ConferenceKind.REVIEW, held_on__isnull=True)


def test_a_review_continues_the_plan_with_a_new_category_and_schedules_the_next(iro, planned):
    review = _review(planned)
    _record(iro, review, held_on=date(2026, 11, 20), decision="continue", category="MUL")
    planned.refresh_from_db()
    assert (planned.initial_category, planned.latest_category) == ("NEG", "MUL")
    assert planned.ended_on is None
    assert _review(planned).due_on == date(2027, 5, 20)


def test_a_review_continuing_without_a_category_keeps_the_latest(iro, planned):
    _record(iro, _review(planned), held_on=date(2026, 11, 20), decision="continue", category="")
    planned.refresh_from_db()
    assert planned.latest_category == "NEG"


def test_a_review_ending_the_plan(iro, planned):
    _record(iro, _review(planned), held_on=date(2026, 11, 20), decision="end", category="")
    planned.refresh_from_db()
    assert planned.ended_on == date(2026, 11, 20)
    assert planned.end_reason == PlanEndReason.REVIEW_CONFERENCE
    assert not Conference.objects.filter(plan=planned, held_on__isnull=True).exists()


def test_review_refusals(iro, planned):
    review = _review(planned)
    assert "before the plan start on 26 October 2026" in _refused(
        _record, "held_on", iro, review, held_on=date(2026, 10, 23), decision="continue", category=""
    )
    assert "continues or ends" in _refused(_record, "decision", iro, review, held_on=date(2026, 11, 20))
    assert "takes no new category" in _refused(
        _record, "category", iro, review, held_on=date(2026, 11, 20), decision="end", category="NEG"
    )
    assert "from the list" in _refused(
        _record, "category", iro, review, held_on=date(2026, 11, 20), decision="continue", category="BAD"
    )


def test_a_review_before_the_last_review_is_refused(iro, planned):
    _record(iro, _review(planned), held_on=date(2026, 11, 20), decision="continue", category="")
    nxt = _review(planned)
    assert "before the last review on 20 November 2026" in _refused(
        _record, "held_on", iro, nxt, held_on=date(2026, 11, 19), decision="continue", category=""
    )


def test_a_review_of_an_ended_plan_is_refused(iro, planned):
    review = _review(planned)
    planned.ended_on, planned.end_reason = date(2026, 11, 1), PlanEndReason.MOVED_AWAY
    planned.save()
    review.refresh_from_db()
    assert "the plan ended on 1 November 2026" in _refused(
        _record, "__all__", iro, review, held_on=date(2026, 11, 20), decision="continue", category=""
    )


# --- Transfer-in conferences ---------------------------------------------------------------------


def test_a_transfer_in_conference_starts_a_plan_with_a_first_review_in_three_months(iro):
    worker, _ = staff()
    ref = referral(worker)
    conference = transfer_in_conference_record(
        actor=iro, referral=ref, held_on=date(2026, 10, 7), decision="plan", category="SAB", chair=iro
    )
    assert conference.kind == ConferenceKind.TRANSFER_IN
    plan = conference.plan
    assert plan is not None
    assert plan.started_on == date(2026, 10, 7)
    assert _review(plan).due_on == date(2027, 1, 7)
    tasks = open_tasks(ref)
    assert tasks[Clock.REVIEW_CONFERENCE] == date(2027, 1, 7)
    assert tasks[Clock.FIRST_CORE_GROUP] == date(2026, 10, 21)
    assert Clock.ASSESSMENT not in tasks


def test_a_transfer_in_with_no_plan(iro):
    worker, _ = staff()
    ref = referral(worker)
    conference = transfer_in_conference_record(
        actor=iro, referral=ref, held_on=date(2026, 10, 7), decision="no_plan"
    )
    assert conference.plan is None
    assert conference.held_on == date(2026, 10, 7)


def test_transfer_in_refusals(iro, planned):
    ref = planned.referral
    assert "already on a child protection plan here from 26 October 2026" in _refused(
        transfer_in_conference_record,
        "decision",
        actor=iro,
        referral=ref,
        held_on=date(2026, 11, 2),
        decision="plan",
        category="NEG",
    )
    worker, _ = staff()
    other = referral(worker)
    assert "Choose whether" in _refused(
        transfer_in_conference_record,
        "decision",
        actor=iro,
        referral=other,
        held_on=date(2026, 11, 2),
        decision="",
    )
    assert "Choose the category" in _refused(
        transfer_in_conference_record,
        "category",
        actor=iro,
        referral=other,
        held_on=date(2026, 11, 2),
        decision="plan",
    )
    assert "Enter the date" in _refused(
        transfer_in_conference_record, "held_on", actor=iro, referral=other, held_on=None, decision="no_plan"
    )
    with pytest.raises(NotFoundOrForbidden):
        transfer_in_conference_record(
            actor=worker, referral=other, held_on=date(2026, 11, 2), decision="no_plan"
        )
    assert not Conference.objects.filter(referral=other).exists()


@time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=UTC), tick=False)
def test_a_transfer_in_on_a_closed_referral_is_refused(iro):
    worker, _ = staff()
    ref = referral(worker)
    ref.closed_on, ref.closure_reason = date(2026, 11, 30), "RC7"
    ref.save()
    assert "The case closed on 30 November 2026" in _refused(
        transfer_in_conference_record,
        "__all__",
        actor=iro,
        referral=ref,
        held_on=date(2026, 11, 2),
        decision="no_plan",
    )


# --- Cancelling an initial conference ------------------------------------------------------------


def test_a_cancelled_icpc_stops_its_clock_and_lets_the_case_close(iro, initial):
    """The family moved away before the ICPC: the conference is cancelled with its reason, the ICPC
    task stops, the conference can no longer be recorded, and closing is no longer blocked by it
    (census 8868: the enquiry then needed no ICPC)."""
    from safehub.child_protection.services.conference import conference_cancel
    from safehub.child_protection.services.referral import referral_close

    ref = initial.referral
    assert Clock.ICPC in open_tasks(ref)
    assert "Say why" in _refused(
        conference_cancel,
        "reason",
        actor=iro,
        conference=initial,
        expected_version=initial.version,
        cancelled_on=ICPC_ON,
        reason=" ",
    )
    conference_cancel(
        actor=iro,
        conference=initial,
        expected_version=initial.version,
        cancelled_on=ICPC_ON,
        reason="The family moved to another council's area.",
    )
    initial.refresh_from_db()
    assert (initial.cancelled_on, initial.cancel_reason) == (
        ICPC_ON,
        "The family moved to another council's area.",
    )
    assert Clock.ICPC not in open_tasks(ref)
    assert task(ref, Clock.ICPC, TaskStatus.CANCELLED).cancelled_reason == "The conference was cancelled."
    assert "cancelled" in _refused(_record, "held_on", iro, initial)
    audit = AuditEvent.objects.filter(object_id=str(initial.pk), reason="cancelled").get()
    assert "moved" not in audit.reason + audit.section + str(audit.detail)
    ref.refresh_from_db()
    referral_close(
        actor=UserFactory(role=Role.TEAM_MANAGER),
        referral=ref,
        expected_version=ref.version,
        closed_on=ICPC_ON,
        reason="RC5",
    )
    ref.refresh_from_db()
    assert ref.closed_on == ICPC_ON


def test_only_an_unheld_initial_conference_can_be_cancelled(iro, initial):
    from safehub.child_protection.services.conference import conference_cancel

    _record(iro, initial)
    initial.refresh_from_db()
    assert "held" in _refused(
        conference_cancel,
        "reason",
        actor=iro,
        conference=initial,
        expected_version=initial.version,
        cancelled_on=ICPC_ON,
        reason="Too late",
    )
