"""The child protection clocks: golden due dates over bank holidays (R52), each clock opening,
moving and closing, the caseload level and stage, and recomputing after a calendar or a local
timescale change.
"""

from datetime import UTC, date, datetime
from typing import cast

import pytest
import time_machine

from safehub.casework.constants import CaseLevel, TaskStatus
from safehub.casework.models import TimescaleSetting
from safehub.casework.recompute import _recomputers, recompute_all
from safehub.child_protection.clocks import (
    clocks_recompute_all,
    referral_clocks_sync,
    referral_clocks_sync_many,
    referral_stage,
    referral_tasks,
)
from safehub.child_protection.constants import Clock, Stage
from safehub.child_protection.models import Assessment, Referral
from safehub.child_protection.services.assessment import assessment_authorise, assessment_complete
from safehub.child_protection.services.conference import conference_record
from safehub.child_protection.services.plan import (
    cin_plan_end,
    cin_plan_review_record,
    cin_plan_start,
    core_group_record,
    cp_plan_end,
    visit_record,
)
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.platform.calendar import _change_listeners
from safehub.platform.models import LocalClosure

from .protection_cases import ICPC_ON, awaiting_icpc, chair, on_plan, open_tasks, task
from .referral_cases import NOW, REFERRAL_DATE, child, referral, staff, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


# --- Golden dates over England's bank holidays (R52) ---------------------------------------------


@time_machine.travel(datetime(2027, 1, 5, 10, tzinfo=UTC), tick=False)
def test_icpc_due_over_christmas_counts_past_the_boxing_day_substitute_and_new_year():
    """R52: a strategy discussion on Thursday 24 December 2026 → ICPC 15 working days later.
    Skipped: Christmas (Fri 25), the Boxing Day substitute (Mon 28 Dec), New Year's Day (Fri 1 Jan)."""
    worker, _ = staff()
    ref, _ = awaiting_icpc(
        worker, referral_date=date(2026, 12, 21), strategy_on=date(2026, 12, 24), s47_done_on=None
    )
    assert open_tasks(ref)[Clock.ICPC] == date(2027, 1, 19)
    assert ref.section47_enquiries.get().icpc_due_on == date(2027, 1, 19)


@time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False)
def test_easter_2026_moves_the_assessment_and_icpc_due_dates():
    """R52: Good Friday 3 April and Easter Monday 6 April 2026 are not working days (nor the May
    bank holidays). Referral Wed 1 April → assessment due Tue 9 June; strategy discussion the same
    day → ICPC due Fri 24 April."""
    worker, _ = staff()
    ref, _ = awaiting_icpc(
        worker, referral_date=date(2026, 4, 1), strategy_on=date(2026, 4, 1), s47_done_on=None
    )
    tasks = open_tasks(ref)
    assert tasks[Clock.ASSESSMENT] == date(2026, 6, 9)
    assert tasks[Clock.ICPC] == date(2026, 4, 24)


@time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False)
def test_first_core_group_is_ten_working_days_after_an_icpc_before_easter():
    """R52: ICPC on Thu 2 April 2026 → first core group Mon 20 April (3 and 6 April skipped)."""
    worker, _ = staff()
    ref, _plan = on_plan(
        worker,
        chair(),
        referral_date=date(2026, 3, 2),
        strategy_on=date(2026, 3, 10),
        s47_done_on=date(2026, 3, 20),
        icpc_on=date(2026, 4, 2),
    )
    tasks = open_tasks(ref)
    assert tasks[Clock.FIRST_CORE_GROUP] == date(2026, 4, 20)
    assert tasks[Clock.REVIEW_CONFERENCE] == date(2026, 7, 2)
    assert tasks[Clock.CP_VISIT] == date(2026, 4, 20)


# --- Each clock opens, moves and closes -----------------------------------------------------------


def test_assessment_clock_opens_with_the_referral_moves_to_the_assessment_and_closes_when_authorised():
    worker, manager = staff()
    ref = referral(worker)
    spec = referral_tasks(ref)
    assert [(s.key, s.title) for s in spec] == [
        (Clock.ASSESSMENT, "Start and complete the child and family assessment")
    ]
    assessment = started(worker, ref)
    assert task(ref, Clock.ASSESSMENT).title == "Complete the child and family assessment"
    assert task(ref, Clock.ASSESSMENT).due_on == assessment.due_on == date(2026, 12, 3)
    ref.involvement.refresh_from_db()
    assert ref.involvement.level == CaseLevel.ASSESSMENT
    assert referral_stage(ref) == Stage.ASSESSMENT
    assessment = assessment_complete(
        actor=worker,
        assessment=assessment,
        expected_version=assessment.version,
        completed_on=date(2026, 11, 2),
        outcome="cin_plan",
        factors=["16A"],
        child_seen_on=date(2026, 10, 5),
        summary="Synthetic summary.",
    )
    assessment_authorise(
        actor=manager,
        assessment=assessment,
        expected_version=assessment.version,
        authorised_on=date(2026, 11, 5),
    )
    assert Clock.ASSESSMENT not in open_tasks(ref)
    ref.involvement.refresh_from_db()
    assert ref.involvement.level == CaseLevel.CHILD_IN_NEED  # authorised with outcome "CIN plan"
    assert referral_stage(ref) == Stage.CHILD_IN_NEED


def test_icpc_clock_runs_from_the_strategy_discussion_and_is_done_when_the_conference_is_held():
    worker, _ = staff()
    iro = chair()
    ref, conference = awaiting_icpc(worker, s47_done_on=None)
    assert open_tasks(ref)[Clock.ICPC] == date(2026, 11, 2)  # 15 WD from Mon 12 Oct 2026
    assert referral_stage(ref) == Stage.SECTION_47
    ref, conference = awaiting_icpc(worker)
    assert conference is not None
    assert conference.due_on == date(2026, 11, 2)
    assert referral_stage(ref) == Stage.CONFERENCE
    conference_record(
        actor=iro,
        conference=conference,
        expected_version=conference.version,
        held_on=ICPC_ON,
        decision="plan",
        category="PHY",
    )
    done = task(ref, Clock.ICPC, TaskStatus.DONE)
    assert done.completed_on == ICPC_ON
    assert done.on_time
    assert done.completed_by == iro
    assert set(open_tasks(ref)) >= {Clock.FIRST_CORE_GROUP, Clock.REVIEW_CONFERENCE, Clock.CP_VISIT}
    ref.involvement.refresh_from_db()
    assert ref.involvement.level == CaseLevel.CHILD_PROTECTION
    assert referral_stage(ref) == Stage.CP_PLAN


def test_icpc_clock_is_cancelled_when_the_enquiry_needs_no_conference():
    from safehub.child_protection.services.strategy import section47_complete

    worker, _ = staff()
    ref, _ = awaiting_icpc(worker, s47_done_on=None)
    enquiry = ref.section47_enquiries.get()
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="cin",
    )
    assert Clock.ICPC not in open_tasks(ref)
    assert task(ref, Clock.ICPC, TaskStatus.CANCELLED)


def test_core_group_clocks_first_within_ten_working_days_then_the_local_timescale():
    worker, _ = staff()
    ref, plan = on_plan(worker, chair())
    assert open_tasks(ref)[Clock.FIRST_CORE_GROUP] == date(2026, 11, 9)  # 10 WD from Mon 26 Oct
    core_group_record(actor=worker, plan=plan, held_on=date(2026, 11, 4))
    assert task(ref, Clock.FIRST_CORE_GROUP, TaskStatus.DONE).completed_on == date(2026, 11, 4)
    tasks = open_tasks(ref)
    assert Clock.FIRST_CORE_GROUP not in tasks
    assert tasks[Clock.CORE_GROUP] == date(2026, 12, 16)  # 6 weeks (default)
    core_group_record(actor=worker, plan=plan, held_on=date(2026, 11, 25))
    assert task(ref, Clock.CORE_GROUP, TaskStatus.DONE).completed_on == date(2026, 11, 25)
    assert open_tasks(ref)[Clock.CORE_GROUP] == date(2027, 1, 6)


def test_review_conference_clock_three_months_then_six_months_then_closes_when_the_plan_ends():
    worker, _ = staff()
    iro = chair()
    ref, plan = on_plan(worker, iro)
    assert open_tasks(ref)[Clock.REVIEW_CONFERENCE] == date(2027, 1, 26)
    review = plan.conferences.get(kind="review", held_on__isnull=True)
    assert review.due_on == date(2027, 1, 26)
    with time_machine.travel(datetime(2027, 1, 25, 10, tzinfo=UTC), tick=False):
        conference_record(
            actor=iro,
            conference=review,
            expected_version=review.version,
            held_on=date(2027, 1, 20),
            decision="continue",
        )
    assert task(ref, Clock.REVIEW_CONFERENCE, TaskStatus.DONE).completed_on == date(2027, 1, 20)
    assert open_tasks(ref)[Clock.REVIEW_CONFERENCE] == date(2027, 7, 20)
    nxt = plan.conferences.get(kind="review", held_on__isnull=True)
    assert nxt.due_on == date(2027, 7, 20)
    with time_machine.travel(datetime(2027, 7, 1, 10, tzinfo=UTC), tick=False):
        conference_record(
            actor=iro, conference=nxt, expected_version=nxt.version, held_on=date(2027, 6, 30), decision="end"
        )
    tasks = open_tasks(ref)
    for key in (Clock.REVIEW_CONFERENCE, Clock.CP_VISIT, Clock.FIRST_CORE_GROUP, Clock.CORE_GROUP):
        assert key not in tasks
    assert (
        task(ref, Clock.CP_VISIT, TaskStatus.CANCELLED).cancelled_reason == "The child protection plan ended."
    )
    ref.involvement.refresh_from_db()
    assert ref.involvement.level == CaseLevel.REFERRAL


def test_cp_visit_clock_moves_only_when_the_child_is_seen():
    worker, _ = staff()
    ref, _plan = on_plan(worker, chair())
    assert open_tasks(ref)[Clock.CP_VISIT] == date(2026, 11, 9)
    visit_record(actor=worker, referral=ref, kind="cp", visited_on=date(2026, 11, 3), child_seen=False)
    assert open_tasks(ref)[Clock.CP_VISIT] == date(2026, 11, 9)  # not seen: the clock runs on
    assert not task(ref, Clock.CP_VISIT).completed_on
    visit_record(
        actor=worker, referral=ref, kind="cp", visited_on=date(2026, 11, 5), child_seen=True, seen_alone=True
    )
    assert task(ref, Clock.CP_VISIT, TaskStatus.DONE).completed_on == date(2026, 11, 5)
    assert open_tasks(ref)[Clock.CP_VISIT] == date(2026, 11, 19)


def test_cin_plan_clocks_visit_and_review_open_move_and_close():
    worker, _ = staff()
    ref = referral(worker)
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    tasks = open_tasks(ref)
    assert tasks[Clock.CIN_VISIT] == date(2026, 11, 2)  # 20 WD from Mon 5 Oct
    assert tasks[Clock.CIN_PLAN_REVIEW] == date(2027, 1, 5)  # 3 months
    assert Clock.ASSESSMENT not in tasks  # a plan without an assessment is not chased for one
    assert referral_stage(ref) == Stage.CIN_PLAN
    visit_record(actor=worker, referral=ref, kind="cin", visited_on=date(2026, 10, 30), child_seen=True)
    assert open_tasks(ref)[Clock.CIN_VISIT] == date(2026, 11, 27)
    cin_plan_review_record(actor=worker, plan=plan, held_on=date(2026, 11, 20))
    assert task(ref, Clock.CIN_PLAN_REVIEW, TaskStatus.DONE).completed_on == date(2026, 11, 20)
    assert open_tasks(ref)[Clock.CIN_PLAN_REVIEW] == date(2027, 2, 20)
    cin_plan_end(actor=worker, plan=plan, expected_version=plan.version, ended_on=date(2026, 11, 25))
    tasks = open_tasks(ref)
    assert Clock.CIN_VISIT not in tasks
    assert Clock.CIN_PLAN_REVIEW not in tasks
    assert (
        task(ref, Clock.CIN_VISIT, TaskStatus.CANCELLED).cancelled_reason == "The child in need plan ended."
    )


def test_nothing_is_open_on_a_closed_referral():
    ref = cast(
        Referral,
        ReferralFactory(referral_date=date(2026, 10, 1), closed_on=date(2026, 11, 1), closure_reason="RC7"),
    )
    assert referral_tasks(ref) == []
    assert referral_stage(ref) == Stage.CLOSED


def test_sync_cancels_everything_when_the_referral_is_closed():
    worker, _ = staff()
    ref, _plan = on_plan(worker, chair())
    ref.closed_on, ref.closure_reason = date(2026, 11, 20), "RC7"
    ref.save()
    referral_clocks_sync(referral=ref, cancel_reason="The case closed.")
    assert open_tasks(ref) == {}


def test_ending_a_plan_for_another_reason_cancels_its_clocks_and_the_unheld_review():
    worker, _ = staff()
    iro = chair()
    ref, plan = on_plan(worker, iro)
    cp_plan_end(
        actor=iro, plan=plan, expected_version=plan.version, ended_on=date(2026, 11, 20), reason="moved"
    )
    assert open_tasks(ref) == {}
    assert referral_stage(ref) == Stage.CHILD_IN_NEED


# --- Recomputing after a local timescale or calendar change ---------------------------------------


def test_a_local_timescale_change_moves_the_due_date_after_recompute():
    worker, _ = staff()
    ref, _plan = on_plan(worker, chair())
    assert open_tasks(ref)[Clock.CP_VISIT] == date(2026, 11, 9)
    TimescaleSetting.objects.create(key="cp_visit", amount=5, unit="working_days")
    assert clocks_recompute_all() == 1
    assert open_tasks(ref)[Clock.CP_VISIT] == date(2026, 11, 2)
    assert "every 5 working days" in task(ref, Clock.CP_VISIT).basis


def test_recompute_is_registered_for_timescale_and_calendar_changes():
    assert clocks_recompute_all in _recomputers
    assert clocks_recompute_all in _change_listeners


def test_a_local_closure_moves_running_statutory_clocks_and_their_stored_dates():
    """R52: a council closure day inside the window pushes the ICPC and assessment one working day."""
    worker, _ = staff()
    ref, conference = awaiting_icpc(worker)
    assert conference is not None
    started(worker, ref)
    LocalClosure.objects.create(
        date=date(2026, 10, 20), kind=LocalClosure.Kind.CLOSURE, reason="Synthetic closure"
    )
    recompute_all()
    tasks = open_tasks(ref)
    assert tasks[Clock.ICPC] == date(2026, 11, 3)
    assert tasks[Clock.ASSESSMENT] == date(2026, 12, 4)
    conference.refresh_from_db()
    assert conference.due_on == date(2026, 11, 3)
    assert ref.section47_enquiries.get().icpc_due_on == date(2026, 11, 3)
    assert Assessment.objects.get(referral=ref).due_on == date(2026, 12, 4)


def test_recompute_all_skips_closed_referrals_and_reads_timescales_once(django_assert_max_num_queries):
    worker, _ = staff()
    on_plan(worker, chair())
    on_plan(worker, chair())
    ReferralFactory(
        person=child(), referral_date=REFERRAL_DATE, closed_on=date(2026, 11, 1), closure_reason="RC7"
    )
    with django_assert_max_num_queries(30):
        assert clocks_recompute_all() == 2


# --- Many referrals at once (the SSD import) -------------------------------------------------------


def test_sync_many_gives_each_open_referral_its_tasks_and_level_and_cancels_a_closed_ones(
    django_assert_max_num_queries,
):
    worker, _ = staff()
    ref, _plan = on_plan(worker, chair())
    expected = open_tasks(ref)
    ref.involvement.tasks.all().delete()
    ref.involvement.level = CaseLevel.REFERRAL
    ref.involvement.save()
    closed, _plan = on_plan(worker, chair())
    # Closed behind the clocks' back, as an import re-run that brings a closure date does.
    Referral.objects.filter(pk=closed.pk).update(closed_on=date(2026, 11, 20), closure_reason="RC7")
    with django_assert_max_num_queries(30):
        assert referral_clocks_sync_many([ref.pk, closed.pk, ref.pk]) == 2
    assert open_tasks(ref) == expected
    ref.involvement.refresh_from_db()
    assert ref.involvement.level == CaseLevel.CHILD_PROTECTION
    assert open_tasks(closed) == {}
    assert task(closed, Clock.CP_VISIT, TaskStatus.CANCELLED).cancelled_reason == "No longer needed."
