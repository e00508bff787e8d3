"""Review findings 3, 4, 5, 8, 11 and 12 on issue 5: each refusal is at the field, with nothing
written. Synthetic data only; "today" is Thursday 26 November 2026.
"""

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.child_protection.constants import Clock, PlanEndReason
from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CinPlanReview,
    Conference,
    CoreGroupMeeting,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from safehub.child_protection.services import assessment as assessment_services
from safehub.child_protection.services import strategy as strategy_services
from safehub.child_protection.services.assessment import assessment_complete, assessment_update
from safehub.child_protection.services.conference import conference_record
from safehub.child_protection.services.plan import (
    cin_plan_end,
    cin_plan_review_record,
    cin_plan_start,
    core_group_record,
    cp_plan_end,
    visit_record,
)
from safehub.child_protection.services.strategy import section47_complete
from safehub.people.constants import Sex

from .protection_cases import chair, on_plan, open_tasks, task
from .referral_cases import NOW, child, referral, staff, started, strategy

pytestmark = pytest.mark.django_db

_MODELS = (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CinPlanReview,
    Conference,
    CoreGroupMeeting,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
    AuditEvent,
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _snapshot() -> tuple[Any, ...]:
    return tuple(m.objects.count() for m in _MODELS) + tuple(
        Referral.objects.values_list("version", flat=True).order_by("pk")
    )


def _refused(fn: Any, field: str, **kwargs: Any) -> str:
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        fn(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert _snapshot() == before
    return " ".join(error.value.message_dict[field])


def _close(ref: Referral, *, nfa: bool = False, on: date = date(2026, 11, 24)) -> Referral:
    """Close the referral behind the services' back (what a closed case looks like in the database)."""
    Referral.objects.filter(pk=ref.pk).update(closed_on=on, closure_reason="RC7", nfa=nfa)
    ref.refresh_from_db()
    return ref


# --- Finding 3: nothing new on a closed or NFA referral (census 8565, 8831) -----------------------


def test_a_visit_on_a_closed_referral_is_refused_census_8565():
    worker, _ = staff()
    ref = _close(referral(worker))
    message = _refused(
        visit_record,
        "__all__",
        actor=worker,
        referral=ref,
        kind="other",
        visited_on=date(2026, 11, 3),
        child_seen=True,
    )
    assert message == "The case closed on 24 November 2026: reopen work with a new referral."


def test_a_visit_on_a_referral_closed_nfa_is_refused_census_8831():
    worker, _ = staff()
    ref = _close(referral(worker), nfa=True, on=date(2026, 10, 1))
    message = _refused(
        visit_record,
        "__all__",
        actor=worker,
        referral=ref,
        kind="other",
        visited_on=date(2026, 10, 1),
        child_seen=True,
    )
    assert (
        message == "The case closed on 1 October 2026 with no further action: nothing more is recorded on it."
    )


def test_plan_services_refuse_a_closed_referral():
    worker, _ = staff()
    iro = chair()
    ref, cp = on_plan(worker, iro)
    _close(ref)
    cp.refresh_from_db()
    assert "The case closed on 24 November 2026" in _refused(
        core_group_record, "__all__", actor=worker, plan=cp, held_on=date(2026, 11, 2)
    )
    assert "The case closed on 24 November 2026" in _refused(
        cp_plan_end,
        "__all__",
        actor=iro,
        plan=cp,
        expected_version=cp.version,
        ended_on=date(2026, 11, 20),
        reason=PlanEndReason.LOOKED_AFTER,
    )

    other = referral(worker)
    cin = cin_plan_start(actor=worker, referral=other, started_on=date(2026, 10, 5))
    _close(other)
    cin.refresh_from_db()
    assert "The case closed on 24 November 2026" in _refused(
        cin_plan_review_record, "__all__", actor=worker, plan=cin, held_on=date(2026, 11, 2)
    )
    assert "The case closed on 24 November 2026" in _refused(
        cin_plan_end,
        "__all__",
        actor=worker,
        plan=cin,
        expected_version=cin.version,
        ended_on=date(2026, 11, 20),
    )


# --- Finding 4: a CIN plan and a CP plan never overlap (census 4016) -----------------------------


def _awaiting_icpc_with_cin(worker: Any) -> tuple[Referral, Conference]:
    ref = referral(worker)
    cin = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    cin_plan_end(actor=worker, plan=cin, expected_version=cin.version, ended_on=date(2026, 11, 20))
    strategy(worker, ref, held_on=date(2026, 10, 12))
    enquiry = ref.section47_enquiries.get()
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="conference",
    )
    return ref, ref.conferences.get(kind="initial")


def test_a_cp_plan_cannot_start_inside_an_ended_cin_plan_census_4016():
    """The review's repro: CIN plan 5 October to 20 November; ICPC on 26 October decides plan."""
    worker, _ = staff()
    iro = chair()
    _ref, conference = _awaiting_icpc_with_cin(worker)
    message = _refused(
        conference_record,
        "held_on",
        actor=iro,
        conference=conference,
        expected_version=conference.version,
        held_on=date(2026, 10, 26),
        decision="plan",
        category="NEG",
        chair=iro,
    )
    assert message == (
        "The child was on a child in need plan from 5 October 2026 to 20 November 2026; "
        "a child protection plan cannot start on 26 October 2026 and overlap it."
    )
    # On the day the CIN plan ended there is no overlap.
    conference_record(
        actor=iro,
        conference=conference,
        expected_version=conference.version,
        held_on=date(2026, 11, 20),
        decision="plan",
        category="NEG",
        chair=iro,
    )
    assert ChildProtectionPlan.objects.get().started_on == date(2026, 11, 20)


def test_the_open_cin_plan_cannot_end_before_its_own_later_review():
    """The ICPC ends the open CIN plan on its date; a review of that plan held later would overlap."""
    worker, _ = staff()
    iro = chair()
    ref = referral(worker)
    cin = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    cin_plan_review_record(actor=worker, plan=cin, held_on=date(2026, 11, 2))
    strategy(worker, ref, held_on=date(2026, 10, 12))
    enquiry = ref.section47_enquiries.get()
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="conference",
    )
    conference = ref.conferences.get(kind="initial")
    assert "review of the child in need plan was recorded later, on 2 November 2026" in _refused(
        conference_record,
        "held_on",
        actor=iro,
        conference=conference,
        expected_version=conference.version,
        held_on=date(2026, 10, 26),
        decision="plan",
        category="NEG",
        chair=iro,
    )


# --- Finding 5: born without a recorded date of birth is not unborn -------------------------------


def test_a_born_child_with_no_recorded_date_of_birth_is_not_unborn():
    worker, _ = staff()
    iro = chair()
    person = child(date_of_birth=None, expected_date_of_birth=None, sex=Sex.UNKNOWN)
    ref, plan = on_plan(worker, iro, person=person)
    assert not plan.unborn_at_start
    visit = visit_record(actor=worker, referral=ref, kind="cp", visited_on=date(2026, 11, 3), child_seen=True)
    assert visit.child_seen
    # A visit that did not see the child does not satisfy the visit clock.
    due = open_tasks(ref)[Clock.CP_VISIT]
    visit_record(actor=worker, referral=ref, kind="cp", visited_on=date(2026, 11, 10), child_seen=False)
    assert open_tasks(ref)[Clock.CP_VISIT] == due
    assert not ref.involvement.tasks.filter(
        key=Clock.CP_VISIT, status=TaskStatus.DONE, completed_on=date(2026, 11, 10)
    ).exists()


# --- Finding 8: one open assessment and one open s47 enquiry, also in the database ---------------


def test_the_database_refuses_a_second_open_assessment_or_enquiry():
    worker, _ = staff()
    ref = referral(worker)
    first = started(worker, ref)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(referral=ref, started_on=first.started_on, due_on=first.due_on)
    strategy(worker, ref)
    enquiry = ref.section47_enquiries.get()
    second = StrategyDiscussion.objects.create(
        referral=ref, held_on=date(2026, 10, 13), decision="s47", rationale="Synthetic.", recorded_by=worker
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Section47Enquiry.objects.create(
            referral=ref,
            strategy_discussion=second,
            started_on=second.held_on,
            icpc_due_on=enquiry.icpc_due_on,
        )


def test_two_quick_assessment_starts_the_second_is_refused_at_the_field(monkeypatch):
    """The other submit commits between our check and our insert: the database refuses the second
    and the service says so at the field, as the check would have."""
    worker, _ = staff()
    ref = referral(worker)
    real = assessment_services.check_activity_date

    def race(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        Assessment.objects.create(referral=ref, started_on=date(2026, 10, 2), due_on=date(2026, 12, 3))

    monkeypatch.setattr(assessment_services, "check_activity_date", race)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        assessment_services.assessment_start(actor=worker, referral=ref, started_on=date(2026, 10, 3))
    assert (
        "An assessment started on 2 October 2026 is still open" in error.value.message_dict["started_on"][0]
    )
    assert Assessment.objects.filter(referral=ref).count() == 1
    assert AuditEvent.objects.count() == events


def test_two_quick_section_47_decisions_the_second_is_refused_at_the_field(monkeypatch):
    worker, _ = staff()
    ref = referral(worker)
    strategy(worker, ref, held_on=date(2026, 10, 12))
    enquiry = ref.section47_enquiries.get()
    # Seen as complete by the check, then reopened by "the other submit" before our insert.
    real = strategy_services._check_one_open_enquiry
    Section47Enquiry.objects.filter(pk=enquiry.pk).update(
        completed_on=date(2026, 10, 13), outcome="no_conference"
    )

    def race(errors: Any, referral: Any) -> None:
        real(errors, referral)
        Section47Enquiry.objects.filter(pk=enquiry.pk).update(completed_on=None, outcome="")
        monkeypatch.setattr(strategy_services, "_check_one_open_enquiry", real)

    monkeypatch.setattr(strategy_services, "_check_one_open_enquiry", race)
    discussions, events = StrategyDiscussion.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        strategy(worker, ref, held_on=date(2026, 10, 14))
    assert (
        "A section 47 enquiry started on 12 October 2026 is still open"
        in error.value.message_dict["decision"][0]
    )
    assert (StrategyDiscussion.objects.count(), Section47Enquiry.objects.count()) == (discussions, 1)
    assert AuditEvent.objects.count() == events


# --- Finding 11: a plan does not end before what was recorded on it -------------------------------


def test_a_cp_plan_cannot_end_before_its_last_core_group_or_visit():
    worker, _ = staff()
    iro = chair()
    ref, cp = on_plan(worker, iro)
    core_group_record(actor=worker, plan=cp, held_on=date(2026, 11, 5))
    kwargs = {"actor": iro, "plan": cp, "expected_version": cp.version, "reason": PlanEndReason.LOOKED_AFTER}
    assert _refused(cp_plan_end, "ended_on", ended_on=date(2026, 11, 4), **kwargs) == (
        "The end date cannot be before the last core group on 5 November 2026."
    )
    visit_record(actor=worker, referral=ref, kind="cp", visited_on=date(2026, 11, 12), child_seen=True)
    assert _refused(cp_plan_end, "ended_on", ended_on=date(2026, 11, 10), **kwargs) == (
        "The end date cannot be before the last visit on the plan on 12 November 2026."
    )
    cp_plan_end(ended_on=date(2026, 11, 12), **kwargs)


def test_a_review_conference_cannot_end_the_plan_before_its_last_core_group():
    worker, _ = staff()
    iro = chair()
    _ref, cp = on_plan(worker, iro)
    core_group_record(actor=worker, plan=cp, held_on=date(2026, 11, 20))
    review = cp.conferences.get(kind="review", held_on__isnull=True)
    assert "before the core group on 20 November 2026" in _refused(
        conference_record,
        "held_on",
        actor=iro,
        conference=review,
        expected_version=review.version,
        held_on=date(2026, 11, 19),
        decision="end",
        chair=iro,
    )


def test_a_cin_plan_cannot_end_before_its_last_visit():
    worker, _ = staff()
    ref = referral(worker)
    cin = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    visit_record(actor=worker, referral=ref, kind="cin", visited_on=date(2026, 11, 12), child_seen=True)
    assert (
        _refused(
            cin_plan_end,
            "ended_on",
            actor=worker,
            plan=cin,
            expected_version=cin.version,
            ended_on=date(2026, 11, 10),
        )
        == "The end date cannot be before the last visit on the plan on 12 November 2026."
    )


# --- Finding 12: an unborn child cannot have been seen in the assessment --------------------------


def test_an_unborn_child_cannot_be_seen_in_the_assessment():
    worker, _ = staff()
    ref = referral(worker, person=child(date_of_birth=None, expected_date_of_birth=date(2027, 2, 1)))
    a = started(worker, ref)
    message = _refused(
        assessment_update,
        "child_seen_on",
        actor=worker,
        assessment=a,
        expected_version=a.version,
        child_seen_on=date(2026, 10, 5),
        factors=[],
        summary="Synthetic.",
    )
    assert message.startswith("The child is not born yet")
    assert _refused(
        assessment_complete,
        "child_seen_on",
        actor=worker,
        assessment=a,
        expected_version=a.version,
        completed_on=date(2026, 11, 2),
        outcome="cin_plan",
        factors=["16A"],
        child_seen_on=date(2026, 10, 5),
        summary="Synthetic.",
    ).startswith("The child is not born yet")
    a.refresh_from_db()
    assert (a.child_seen_on, a.completed_on) == (None, None)
    assessment_update(
        actor=worker, assessment=a, expected_version=a.version, child_seen_on=None, factors=[], summary=""
    )
    assert task(ref, Clock.ASSESSMENT).status == TaskStatus.OPEN
