"""A synthetic child with a referral, an assessment, a child protection plan and a period of care."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from safehub.child_protection.models import Assessment, ChildProtectionPlan
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.looked_after.models import LegalStatus
from safehub.looked_after.tests.factories import PeriodFactory, PlacementFactory

TODAY = date(2026, 6, 30)


@dataclass
class Child:
    person: Any
    referral: Any
    assessment: Any
    plan: Any
    period: Any
    placement: Any


def child_with_history(*, referred: date = date(2026, 1, 5)) -> Child:
    referral = ReferralFactory(referral_date=referred, source="6")
    assessment = Assessment.objects.create(
        referral=referral,
        started_on=referred,
        due_on=referred + timedelta(days=60),
        factors=["3A", "16A"],
        outcome="strategy",
        completed_on=referred + timedelta(days=10),
        authorised_on=referred + timedelta(days=12),
    )
    plan = ChildProtectionPlan.objects.create(
        referral=referral,
        person=referral.person,
        started_on=referred + timedelta(days=30),
        initial_category="NEG",
        latest_category="NEG",
    )
    period = PeriodFactory(person=referral.person, started_on=referred + timedelta(days=60), need_code="N1")
    LegalStatus.objects.create(
        period=period, code="C1", started_on=period.started_on, recorded_by=period.recorded_by
    )
    placement = PlacementFactory(
        period=period, started_on=period.started_on, placement_type="U4", postcode="AB1 2CD"
    )
    return Child(referral.person, referral, assessment, plan, period, placement)
