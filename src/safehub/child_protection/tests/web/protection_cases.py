"""Cases for the conference, plan, CIN plan and visit page tests (helper C2), built through the
services so the rows and clocks are as a real case would have them. Synthetic data only.

"Today" is Thursday 26 November 2026 (see `today` in each module); the referral is 1 October.
"""

from datetime import date
from typing import Any

from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.child_protection.constants import ConferenceKind, Section47Outcome
from safehub.child_protection.models import ChildProtectionPlan, Conference, Referral
from safehub.child_protection.services.conference import conference_record
from safehub.child_protection.services.strategy import section47_complete
from safehub.child_protection.tests.services.referral_cases import (
    NOW,
    TODAY,
    child,
    referral,
    staff,
    strategy,
)

__all__ = [
    "CATEGORY",
    "NOW",
    "TODAY",
    "case_url",
    "cp_case",
    "day",
    "initial_conference",
    "iro",
    "on_plan",
    "url",
]

CATEGORY = "PHY"  # CIN census category of abuse: physical abuse


def iro(make_user: Any) -> Any:
    return make_user(Role.IRO)


def cp_case(**person: Any) -> tuple[Any, Any, Referral]:
    """A referral whose section 47 enquiry ended with "conference": the initial conference is due."""
    worker, manager = staff()
    ref = referral(worker, child(**person))
    discussion = strategy(worker, ref, held_on=date(2026, 10, 12))
    enquiry = discussion.section47_enquiry
    section47_complete(
        actor=worker,
        enquiry=enquiry,
        expected_version=enquiry.version,
        completed_on=date(2026, 10, 20),
        outcome=Section47Outcome.CONFERENCE,
        summary="Synthetic: concerns substantiated.",
    )
    return worker, manager, ref


def initial_conference(ref: Referral) -> Conference:
    return Conference.objects.get(referral=ref, kind=ConferenceKind.INITIAL)


def on_plan(chair: Any, **person: Any) -> tuple[Any, Any, Referral, ChildProtectionPlan]:
    """A child on a plan from an initial conference held on 2 November 2026."""
    worker, manager, ref = cp_case(**person)
    conference = initial_conference(ref)
    conference = conference_record(
        actor=chair,
        conference=conference,
        expected_version=conference.version,
        held_on=date(2026, 11, 2),
        decision="plan",
        category=CATEGORY,
    )
    assert conference.plan is not None
    return worker, manager, ref, conference.plan


def url(name: str, obj: Any) -> str:
    return reverse(f"child_protection_protection:{name}", args=[obj.pk])


def case_url(ref: Referral) -> str:
    return reverse("child_protection:case", args=[ref.pk])


def day(value: date, prefix: str) -> dict[str, str]:
    """A GOV.UK date input's three boxes."""
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }
