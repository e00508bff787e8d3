"""Building realistic referrals through the services (helper A's tests). Synthetic data only.

"Today" in these tests is Thursday 26 November 2026 (the `today` fixture in each module).
"""

from datetime import UTC, date, datetime
from typing import Any

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.models import Agency
from safehub.casework.tests.factories import team_with
from safehub.child_protection.models import Assessment, Referral, StrategyDiscussion
from safehub.child_protection.services.assessment import (
    assessment_authorise,
    assessment_complete,
    assessment_start,
)
from safehub.child_protection.services.referral import referral_create
from safehub.child_protection.services.strategy import AttendeeInput, strategy_discussion_record
from safehub.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
REFERRAL_DATE = date(2026, 10, 1)


def staff() -> tuple[Any, Any]:
    """A social worker and their team manager, in one team, each with a second factor."""
    _team, (worker, manager) = team_with(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
    return worker, manager


def child(**fields: Any) -> Any:
    fields.setdefault("date_of_birth", date(2018, 5, 1))
    return PersonFactory(**fields)


def referral(actor: Any, person: Any = None, referral_date: date = REFERRAL_DATE, **fields: Any) -> Referral:
    fields.setdefault("source", "2A")
    fields.setdefault("primary_need", "N1")
    return referral_create(actor=actor, person=person or child(), referral_date=referral_date, **fields)


def started(actor: Any, ref: Referral, started_on: date = date(2026, 10, 2)) -> Assessment:
    return assessment_start(actor=actor, referral=ref, started_on=started_on)


def completed(
    actor: Any,
    ref: Referral,
    *,
    started_on: date = date(2026, 10, 2),
    completed_on: date = date(2026, 11, 2),
    outcome: str = "cin_plan",
    factors: list[str] | None = None,
) -> Assessment:
    a = started(actor, ref, started_on)
    return assessment_complete(
        actor=actor,
        assessment=a,
        expected_version=a.version,
        completed_on=completed_on,
        outcome=outcome,
        factors=factors or ["16A", "3B"],
        child_seen_on=date(2026, 10, 5),
        summary="Synthetic summary.",
    )


def authorised(
    worker: Any, manager: Any, ref: Referral, authorised_on: date = date(2026, 11, 5)
) -> Assessment:
    a = completed(worker, ref)
    return assessment_authorise(
        actor=manager, assessment=a, expected_version=a.version, authorised_on=authorised_on
    )


def police_and_health() -> list[AttendeeInput]:
    police, _ = Agency.objects.get_or_create(name="Northshire Police", defaults={"kind": AgencyKind.POLICE})
    return [
        AttendeeInput(name="DC Testperson", agency_name="", agency_id=police.pk, role="Detective"),
        AttendeeInput(
            name="Nurse Example", agency_name="Northshire NHS Foundation Trust", role="Named nurse"
        ),
        AttendeeInput(name="Sam Sample", agency_name="Children's services", role="Social worker"),
    ]


def strategy(
    actor: Any, ref: Referral, held_on: date = date(2026, 10, 12), decision: str = "s47"
) -> StrategyDiscussion:
    return strategy_discussion_record(
        actor=actor,
        referral=ref,
        held_on=held_on,
        decision=decision,
        rationale="Synthetic rationale: injuries not explained.",
        attendees=police_and_health(),
    )
