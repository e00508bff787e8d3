"""cin_plan_start, cin_plan_end and cin_plan_review_record: CIN census 4016 (no overlap with a CP
plan), dates in order, refusals at the field with nothing written.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.child_protection.models import ChildInNeedPlan, CinPlanReview
from safehub.child_protection.services.plan import (
    cin_plan_end,
    cin_plan_review_record,
    cin_plan_start,
    cp_plan_end,
)
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .protection_cases import chair, on_plan
from .referral_cases import NOW, referral, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _refused(fn, field, **kwargs):
    plans, reviews, events = (
        ChildInNeedPlan.objects.count(),
        CinPlanReview.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationError) as error:
        fn(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert (ChildInNeedPlan.objects.count(), CinPlanReview.objects.count(), AuditEvent.objects.count()) == (
        plans,
        reviews,
        events,
    )
    return " ".join(error.value.message_dict[field])


def test_a_cin_plan_starts_ends_and_is_reviewed():
    worker, _ = staff()
    ref = referral(worker)
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5), summary=" Synthetic. ")
    assert (plan.started_on, plan.summary, plan.updated_by) == (date(2026, 10, 5), "Synthetic.", worker)
    review = cin_plan_review_record(actor=worker, plan=plan, held_on=date(2026, 11, 2), notes="Synthetic.")
    assert review.recorded_by == worker
    cin_plan_end(actor=worker, plan=plan, expected_version=plan.version, ended_on=date(2026, 11, 20))
    plan.refresh_from_db()
    assert plan.ended_on == date(2026, 11, 20)
    assert {e.section for e in AuditEvent.objects.filter(object_id__in=[str(plan.pk), str(review.pk)])} == {
        "cin_plan",
        "cin_plan_review",
    }


def test_a_cin_plan_cannot_run_alongside_a_cp_plan_census_4016():
    """CIN census 4016: a CIN plan cannot start while the child is on a CP plan, nor before it ended."""
    worker, _ = staff()
    iro = chair()
    ref, cp = on_plan(worker, iro)
    message = _refused(cin_plan_start, "started_on", actor=worker, referral=ref, started_on=date(2026, 11, 2))
    assert message == (
        "The child is on a child protection plan from 26 October 2026; a CIN plan cannot run alongside it."
    )
    cp_plan_end(actor=iro, plan=cp, expected_version=cp.version, ended_on=date(2026, 11, 10), reason="other")
    assert "before the end of the child protection plan on 10 November 2026" in _refused(
        cin_plan_start, "started_on", actor=worker, referral=ref, started_on=date(2026, 11, 9)
    )
    plan = cin_plan_start(
        actor=worker, referral=ref, started_on=date(2026, 11, 10)
    )  # the same day is allowed
    assert plan.started_on == date(2026, 11, 10)


def test_cin_plan_start_refusals():
    worker, _ = staff()
    ref = referral(worker)
    assert "Enter the date" in _refused(
        cin_plan_start, "started_on", actor=worker, referral=ref, started_on=None
    )
    assert "before the referral on 1 October 2026" in _refused(
        cin_plan_start, "started_on", actor=worker, referral=ref, started_on=date(2026, 9, 30)
    )
    assert "cannot be in the future" in _refused(
        cin_plan_start, "started_on", actor=worker, referral=ref, started_on=date(2026, 11, 27)
    )
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    assert "already running from 5 October 2026" in _refused(
        cin_plan_start, "started_on", actor=worker, referral=ref, started_on=date(2026, 10, 6)
    )
    cin_plan_end(actor=worker, plan=plan, expected_version=plan.version, ended_on=date(2026, 10, 20))
    assert "before the end of the last child in need plan on 20 October 2026" in _refused(
        cin_plan_start, "started_on", actor=worker, referral=ref, started_on=date(2026, 10, 19)
    )
    iro = chair()
    with pytest.raises(NotFoundOrForbidden):
        cin_plan_start(actor=iro, referral=ref, started_on=date(2026, 10, 21))


@time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=UTC), tick=False)
def test_no_cin_plan_on_a_closed_referral():
    worker, _ = staff()
    ref = referral(worker)
    ref.closed_on, ref.closure_reason = date(2026, 11, 30), "RC7"
    ref.save()
    assert "The case closed on 30 November 2026" in _refused(
        cin_plan_start, "__all__", actor=worker, referral=ref, started_on=date(2026, 11, 2)
    )


def test_cin_plan_end_and_review_refusals():
    worker, _ = staff()
    ref = referral(worker)
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    assert "before the plan start on 5 October 2026" in _refused(
        cin_plan_review_record, "held_on", actor=worker, plan=plan, held_on=date(2026, 10, 2)
    )
    cin_plan_review_record(actor=worker, plan=plan, held_on=date(2026, 11, 2))
    assert "before the last plan review on 2 November 2026" in _refused(
        cin_plan_end,
        "ended_on",
        actor=worker,
        plan=plan,
        expected_version=plan.version,
        ended_on=date(2026, 11, 1),
    )
    assert "Enter the date" in _refused(
        cin_plan_end, "ended_on", actor=worker, plan=plan, expected_version=plan.version, ended_on=None
    )
    cin_plan_end(actor=worker, plan=plan, expected_version=plan.version, ended_on=date(2026, 11, 20))
    plan.refresh_from_db()
    assert "ended on 20 November 2026" in _refused(
        cin_plan_review_record, "__all__", actor=worker, plan=plan, held_on=date(2026, 11, 21)
    )
    assert "ended on 20 November 2026" in _refused(
        cin_plan_end,
        "__all__",
        actor=worker,
        plan=plan,
        expected_version=plan.version,
        ended_on=date(2026, 11, 21),
    )


def test_ending_a_cin_plan_with_a_stale_version_is_a_conflict():
    """R49: the second of two people ending the same CIN plan gets a conflict, not a lost update."""
    worker, _ = staff()
    ref = referral(worker)
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    stale = ChildInNeedPlan.objects.get(pk=plan.pk)
    cin_plan_end(actor=worker, plan=plan, expected_version=plan.version, ended_on=date(2026, 11, 20))
    with pytest.raises(ConflictError):
        cin_plan_end(actor=worker, plan=stale, expected_version=stale.version, ended_on=date(2026, 11, 10))
    assert ChildInNeedPlan.objects.get(pk=plan.pk).ended_on == date(2026, 11, 20)
