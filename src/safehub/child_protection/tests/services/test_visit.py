"""visit_record: the visit belongs to the open plan of its kind; "seen alone" and "bedroom seen"
only when the child was seen; an unborn child cannot be seen; refusals with nothing written.
"""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.child_protection.models import Visit
from safehub.child_protection.services.plan import cin_plan_start, visit_record
from safehub.platform.errors import NotFoundOrForbidden

from .protection_cases import chair, on_plan
from .referral_cases import NOW, child, referral, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _refused(field, **kwargs):
    visits, events = Visit.objects.count(), AuditEvent.objects.count()
    kwargs.setdefault("visited_on", date(2026, 11, 3))
    kwargs.setdefault("child_seen", True)
    with pytest.raises(ValidationError) as error:
        visit_record(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert (Visit.objects.count(), AuditEvent.objects.count()) == (visits, events)
    return " ".join(error.value.message_dict[field])


def test_a_cp_visit_attaches_to_the_open_plan():
    worker, _ = staff()
    ref, plan = on_plan(worker, chair())
    visit = visit_record(
        actor=worker,
        referral=ref,
        kind="cp",
        visited_on=date(2026, 11, 3),
        child_seen=True,
        seen_alone=True,
        bedroom_seen=False,
        notes=" Synthetic. ",
    )
    assert (visit.cp_plan, visit.cin_plan, visit.seen_alone, visit.bedroom_seen, visit.notes) == (
        plan,
        None,
        True,
        False,
        "Synthetic.",
    )
    assert AuditEvent.objects.filter(object_id=str(visit.pk), section="visit", reason="cp").exists()


def test_a_cin_visit_attaches_to_the_open_cin_plan_and_other_visits_to_no_plan():
    worker, _ = staff()
    ref = referral(worker)
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    visit = visit_record(
        actor=worker, referral=ref, kind="cin", visited_on=date(2026, 10, 6), child_seen=True
    )
    assert visit.cin_plan == plan
    other = visit_record(
        actor=worker, referral=ref, kind="assessment", visited_on=date(2026, 10, 6), child_seen=False
    )
    assert (other.cp_plan, other.cin_plan, other.seen_alone, other.bedroom_seen) == (None, None, None, None)


def test_visit_refusals_nothing_written():
    worker, _ = staff()
    ref = referral(worker)
    assert "not on a child protection plan" in _refused("kind", actor=worker, referral=ref, kind="cp")
    assert "no child in need plan" in _refused("kind", actor=worker, referral=ref, kind="cin")
    assert "Choose the kind" in _refused("kind", actor=worker, referral=ref, kind="social")
    assert "seen alone" in _refused(
        "seen_alone", actor=worker, referral=ref, kind="other", child_seen=False, seen_alone=True
    )
    assert "only when the child was seen" in _refused(
        "bedroom_seen", actor=worker, referral=ref, kind="other", child_seen=False, bedroom_seen=True
    )
    assert "before the referral on 1 October 2026" in _refused(
        "visited_on", actor=worker, referral=ref, kind="other", visited_on=date(2026, 9, 1)
    )
    assert "cannot be in the future" in _refused(
        "visited_on", actor=worker, referral=ref, kind="other", visited_on=date(2026, 11, 27)
    )
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 10, 5))
    assert plan.started_on == date(2026, 10, 5)
    assert "before the plan start on 5 October 2026" in _refused(
        "visited_on", actor=worker, referral=ref, kind="cin", visited_on=date(2026, 10, 2)
    )
    with pytest.raises(NotFoundOrForbidden):
        visit_record(actor=chair(), referral=ref, kind="other", visited_on=date(2026, 11, 3), child_seen=True)


def test_an_unborn_child_cannot_be_seen():
    worker, _ = staff()
    ref = referral(worker, person=child(date_of_birth=None, expected_date_of_birth=date(2027, 2, 1)))
    assert "not born yet" in _refused("child_seen", actor=worker, referral=ref, kind="other")
    visit = visit_record(
        actor=worker, referral=ref, kind="other", visited_on=date(2026, 11, 3), child_seen=False
    )
    assert not visit.child_seen


def test_before_birth_a_visit_to_the_expectant_parent_satisfies_the_cp_visit_clock():
    """An unborn child cannot be seen; the plan's visits are to the expectant parent, and each one
    moves the clock on (otherwise the task could never be cleared)."""
    from safehub.casework.constants import TaskStatus
    from safehub.child_protection.constants import Clock

    worker, _ = staff()
    unborn = child(date_of_birth=None, expected_date_of_birth=date(2027, 2, 1))
    ref, plan = on_plan(worker, chair(), person=unborn)
    visit_record(actor=worker, referral=ref, kind="cp", visited_on=plan.started_on, child_seen=False)
    tasks = ref.involvement.tasks.filter(key=Clock.CP_VISIT)
    assert tasks.filter(status=TaskStatus.DONE).count() == 1
    assert tasks.filter(status=TaskStatus.OPEN).count() == 1
