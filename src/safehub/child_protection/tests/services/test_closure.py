"""referral_close: nothing left open, dated after everything recorded, ends the involvement's work."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.child_protection.models import (
    ChildInNeedPlan,
    ChildProtectionPlan,
    Referral,
    Section47Enquiry,
    Visit,
)
from safehub.child_protection.services.referral import referral_close
from safehub.child_protection.services.strategy import section47_complete
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .referral_cases import NOW, authorised, completed, referral, staff, started, strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _close(actor, ref, **overrides) -> Referral:
    values = {
        "actor": actor,
        "referral": ref,
        "expected_version": ref.version,
        "closed_on": date(2026, 11, 20),
        "reason": "RC7",
    }
    values.update(overrides)
    return referral_close(**values)


def _refused(actor, ref, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        _close(actor, ref, **overrides)
    fresh = Referral.objects.get(pk=ref.pk)
    assert fresh.is_open
    assert fresh.closure_reason == ""
    assert not fresh.nfa
    assert fresh.involvement.is_open
    return error.value.message_dict


def test_closing_after_an_assessment_ends_the_involvement_and_cancels_the_clocks():
    worker, manager = staff()
    ref = referral(worker)
    authorised(worker, manager, ref)
    Visit.objects.create(
        referral=ref, kind="cin", visited_on=date(2026, 11, 10), child_seen=True, recorded_by=worker
    )
    closed = _close(manager, ref, reason="RC8", closed_on=date(2026, 11, 20))
    closed.refresh_from_db()
    assert (closed.closed_on, closed.closure_reason, closed.nfa) == (date(2026, 11, 20), "RC8", False)
    assert closed.version == 2
    assert closed.involvement.closed_on == date(2026, 11, 20)
    assert not Task.objects.filter(involvement=ref.involvement, status=TaskStatus.OPEN).exists()
    assert AuditEvent.objects.filter(object_id=str(ref.pk), section="closure", reason="RC8").exists()


def test_a_referral_with_nothing_recorded_closes_as_no_further_action():
    worker, manager = staff()
    ref = referral(worker)
    closed = _close(manager, ref, nfa=True, closed_on=date(2026, 10, 2))
    assert closed.nfa
    assert closed.closed_on == date(2026, 10, 2)
    task = Task.objects.get(involvement=ref.involvement)
    assert task.status == TaskStatus.CANCELLED
    assert AuditEvent.objects.filter(object_id=str(ref.pk), section="closure", reason="nfa").exists()


def test_the_closure_date_is_not_before_the_last_thing_recorded_and_names_it():
    """CIN census 8565: no activity after closure."""
    worker, manager = staff()
    ref = referral(worker)
    authorised(worker, manager, ref, authorised_on=date(2026, 11, 5))
    Visit.objects.create(
        referral=ref, kind="cin", visited_on=date(2026, 11, 12), child_seen=True, recorded_by=worker
    )
    errors = _refused(manager, ref, closed_on=date(2026, 11, 11))
    assert errors["closed_on"] == [
        "The case cannot close before the last thing recorded on it: the child in need visit on 12 November 2026."
    ]


@pytest.mark.parametrize(
    ("closed_on", "message"),
    [
        (date(2026, 11, 27), "The closure date cannot be in the future."),
        (date(2026, 9, 30), "The case cannot close before the referral on 1 October 2026."),
        (None, "Enter the date the case closed."),
    ],
)
def test_the_closure_date_is_a_real_date_in_the_episode(closed_on, message):
    worker, manager = staff()
    ref = referral(worker)
    assert _refused(manager, ref, closed_on=closed_on)["closed_on"] == [message]


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Choose the reason for closure."), ("RC0", "Choose a reason for closure from the list.")],
)
def test_the_reason_comes_from_the_census_list(reason, message):
    worker, manager = staff()
    ref = referral(worker)
    assert _refused(manager, ref, reason=reason)["reason"] == [message]


def test_an_open_assessment_blocks_closure():
    worker, manager = staff()
    ref = referral(worker)
    started(worker, ref)
    errors = _refused(manager, ref)
    assert errors["__all__"] == [
        "The assessment started on 2 October 2026 is open: it must be authorised before the case closes."
    ]
    completed_ref = referral(worker)
    completed(worker, completed_ref)
    errors = _refused(manager, completed_ref)
    assert "waiting for authorisation" in errors["__all__"][0]


def test_an_open_enquiry_and_an_unheld_conference_block_closure():
    worker, manager = staff()
    ref = referral(worker)
    strategy(worker, ref, held_on=date(2026, 10, 12))
    errors = _refused(manager, ref)
    assert errors["__all__"] == [
        "The section 47 enquiry started on 12 October 2026 is open: record its outcome first."
    ]
    enquiry = Section47Enquiry.objects.get(referral=ref)
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome="conference",
    )
    enquiry.refresh_from_db()
    errors = _refused(manager, ref)
    assert errors["__all__"] == [
        f"The initial child protection conference (due {enquiry.icpc_due_on:%-d %B %Y}) has not been held: "
        "record it first."
    ]


def test_an_open_plan_blocks_closure_and_says_to_end_it_first():
    worker, manager = staff()
    ref = referral(worker)
    authorised(worker, manager, ref)
    ChildProtectionPlan.objects.create(
        referral=ref,
        person=ref.person,
        started_on=date(2026, 11, 6),
        initial_category="NEG",
        latest_category="NEG",
    )
    ChildInNeedPlan.objects.create(referral=ref, started_on=date(2026, 11, 6))
    errors = _refused(manager, ref)
    assert errors["__all__"] == [
        "The child protection plan from 6 November 2026 is open: end it before closing the case.",
        "The child in need plan from 6 November 2026 is open: end it before closing the case.",
    ]


def test_a_closed_referral_cannot_close_again():
    worker, manager = staff()
    ref = referral(worker)
    _close(manager, ref, closed_on=date(2026, 10, 2))
    with pytest.raises(ValidationError) as error:
        _close(manager, ref, closed_on=date(2026, 10, 3))
    assert error.value.message_dict["__all__"] == ["The case already closed on 2 October 2026."]


def test_a_social_worker_cannot_close():
    """Closing needs manage_cases."""
    worker, _ = staff()
    ref = referral(worker)
    for actor in (worker, UserFactory(role=Role.IRO)):
        with pytest.raises(NotFoundOrForbidden):
            _close(actor, ref)
    assert Referral.objects.get(pk=ref.pk).is_open


def test_a_stale_version_is_a_conflict_and_nothing_closes():
    """R49: the closure was decided on a version someone has since changed."""
    from safehub.child_protection.services.referral import referral_update

    worker, manager = staff()
    ref = referral(worker)
    stale = ref.version
    referral_update(
        actor=worker,
        referral=Referral.objects.get(pk=ref.pk),
        expected_version=stale,
        source="6",
        primary_need="N1",
        summary="",
    )
    with pytest.raises(ConflictError):
        _close(manager, ref, expected_version=stale, closed_on=date(2026, 10, 2))
    fresh = Referral.objects.get(pk=ref.pk)
    assert fresh.is_open
    assert fresh.source == "6"
    assert fresh.involvement.is_open
    assert Task.objects.filter(involvement=ref.involvement, status=TaskStatus.OPEN).exists()
