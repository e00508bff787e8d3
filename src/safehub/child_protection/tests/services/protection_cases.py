"""Building child protection cases through the services (helper B's tests). Synthetic data only.

Unless a test travels elsewhere, "today" is Thursday 26 November 2026 and the referral is dated
1 October 2026 (as in `referral_cases`). A case on a plan: strategy discussion 12 October,
section 47 finished 20 October, initial conference 26 October 2026.
"""

from datetime import date
from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.child_protection.models import ChildProtectionPlan, Conference, Referral
from safehub.child_protection.services.conference import conference_record
from safehub.child_protection.services.strategy import section47_complete

from .referral_cases import child, referral, staff, strategy

STRATEGY_ON = date(2026, 10, 12)
S47_DONE_ON = date(2026, 10, 20)
ICPC_ON = date(2026, 10, 26)


def chair() -> Any:
    """An independent reviewing officer (chairs conferences)."""
    return UserFactory(role=Role.IRO)


def awaiting_icpc(
    worker: Any,
    *,
    person: Any = None,
    referral_date: date = date(2026, 10, 1),
    strategy_on: date = STRATEGY_ON,
    s47_done_on: date | None = S47_DONE_ON,
) -> tuple[Referral, Conference | None]:
    """A referral whose section 47 enquiry decided a conference (or is still open if no date)."""
    ref = referral(worker, person=person or child(), referral_date=referral_date)
    strategy(worker, ref, held_on=strategy_on)
    if s47_done_on is None:
        return ref, None
    enquiry = ref.section47_enquiries.get()
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=s47_done_on,
        outcome="conference",
    )
    return ref, ref.conferences.get(kind="initial")


def on_plan(
    worker: Any,
    iro: Any,
    *,
    person: Any = None,
    icpc_on: date = ICPC_ON,
    category: str = "NEG",
    **dates: Any,
) -> tuple[Referral, ChildProtectionPlan]:
    """A referral whose initial conference started a child protection plan on `icpc_on`."""
    ref, conference = awaiting_icpc(worker, person=person, **dates)
    assert conference is not None
    conference_record(
        actor=iro,
        conference=conference,
        expected_version=conference.version,
        held_on=icpc_on,
        decision="plan",
        category=category,
        chair=iro,
    )
    conference.refresh_from_db()
    assert conference.plan is not None
    return ref, conference.plan


def open_tasks(ref: Referral) -> dict[str, date]:
    """The open clock tasks on the referral: key → due date."""
    return dict(
        Task.objects.filter(
            involvement_id=ref.involvement_id, status=TaskStatus.OPEN, manual=False
        ).values_list("key", "due_on")
    )


def task(ref: Referral, key: str, status: str = TaskStatus.OPEN) -> Task:
    return Task.objects.get(involvement_id=ref.involvement_id, key=key, status=status)


__all__ = ["awaiting_icpc", "chair", "child", "on_plan", "open_tasks", "referral", "staff", "task"]
