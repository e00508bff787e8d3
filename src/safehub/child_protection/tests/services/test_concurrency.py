"""R49: no lost updates on a child protection plan or its conferences. The second of two people
working from the same version gets a ConflictError and the first one's change stands.
"""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection

from safehub.child_protection.constants import ConferenceKind, PlanEndReason
from safehub.child_protection.models import ChildProtectionPlan, Conference
from safehub.child_protection.services.conference import conference_record
from safehub.child_protection.services.plan import cp_plan_end
from safehub.platform.errors import ConflictError

from .protection_cases import chair, on_plan
from .referral_cases import NOW, staff


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
def test_ending_a_plan_from_a_stale_version_is_a_conflict():
    """R49: two chairs opened the same plan; the second to save gets a conflict naming the change."""
    worker, _ = staff()
    first_chair, second_chair = chair(), chair()
    _ref, plan = on_plan(worker, first_chair)
    mine = ChildProtectionPlan.objects.get(pk=plan.pk)
    theirs = ChildProtectionPlan.objects.get(pk=plan.pk)
    cp_plan_end(
        actor=first_chair,
        plan=mine,
        expected_version=mine.version,
        ended_on=date(2026, 11, 20),
        reason=PlanEndReason.LOOKED_AFTER,
    )
    with pytest.raises(ConflictError) as error:
        cp_plan_end(
            actor=second_chair,
            plan=theirs,
            expected_version=theirs.version,
            ended_on=date(2026, 11, 18),
            reason=PlanEndReason.MOVED_AWAY,
        )
    assert error.value.current_version == 2
    saved = ChildProtectionPlan.objects.get(pk=plan.pk)
    assert (saved.ended_on, saved.end_reason, saved.updated_by) == (
        date(2026, 11, 20),
        PlanEndReason.LOOKED_AFTER,
        first_chair,
    )


@pytest.mark.django_db
def test_recording_a_conference_from_a_stale_version_is_a_conflict():
    """R49: a review conference recorded twice from the same version: the second is a conflict and
    leaves no second plan change behind (the whole service rolls back)."""
    worker, _ = staff()
    iro = chair()
    _ref, plan = on_plan(worker, iro)
    review = plan.conferences.get(kind=ConferenceKind.REVIEW, held_on__isnull=True)
    stale = Conference.objects.get(pk=review.pk)
    conference_record(
        actor=iro,
        conference=review,
        expected_version=review.version,
        held_on=date(2026, 11, 20),
        decision="continue",
    )
    with pytest.raises(ConflictError):
        conference_record(
            actor=iro,
            conference=stale,
            expected_version=stale.version,
            held_on=date(2026, 11, 20),
            decision="end",
        )
    plan.refresh_from_db()
    assert plan.ended_on is None
    assert Conference.objects.filter(plan=plan, kind=ConferenceKind.REVIEW, held_on__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_chairs_ending_the_same_plan_at_once_one_wins_the_other_conflicts():
    """R49 with two real writers (threads, each with its own connection): exactly one ends the
    plan; the other gets a ConflictError, not a silent overwrite."""
    worker, _ = staff()
    chairs = [chair(), chair()]
    _ref, plan = on_plan(worker, chairs[0])
    copies = [ChildProtectionPlan.objects.get(pk=plan.pk) for _ in chairs]
    reasons = [PlanEndReason.LOOKED_AFTER, PlanEndReason.MOVED_AWAY]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def end(i: int) -> None:
        try:
            barrier.wait(timeout=5)
            cp_plan_end(
                actor=chairs[i],
                plan=copies[i],
                expected_version=copies[i].version,
                ended_on=date(2026, 11, 20),
                reason=reasons[i],
            )
            outcomes.append("ended")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as exc:  # reported in the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=end, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ended"], outcomes
    saved = ChildProtectionPlan.objects.get(pk=plan.pk)
    assert saved.version == 2
    assert saved.end_reason in reasons
