"""Synthetic census cases built row by row with fixed dates (the services stamp their own
clocks; the census only reads the dates, so the tests set each one exactly)."""

from datetime import date
from typing import Any

from safehub.accounts.tests.factories import UserFactory
from safehub.child_protection.constants import (
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    Section47Outcome,
    StrategyDecision,
)
from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
)
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.constants import IdentifierKind, Sex
from safehub.people.identifiers import make_upn
from safehub.people.models import Person, PersonDisability, PersonIdentifier
from safehub.people.tests.factories import PersonFactory
from safehub.returns.constants import ChildIdSource
from safehub.returns.models import ChildReturnId


def child(child_id: str | None = None, *, upn_serial: int | None = None, **fields: Any) -> Person:
    """A child; with `child_id` their return id is fixed (as for an imported child)."""
    fields.setdefault("sex", Sex.FEMALE)
    fields.setdefault("ethnicity", "WBRI")
    person = PersonFactory(**fields)
    if child_id:
        ChildReturnId.objects.create(person=person, child_id=child_id, source=ChildIdSource.IMPORTED)
    if upn_serial is not None:
        PersonIdentifier.objects.create(
            person=person, kind=IdentifierKind.UPN, value=make_upn(la_code=852, serial=upn_serial)
        )
    return person


def disabilities(person: Person, *codes: str) -> None:
    """Current disability codes, as the person page records them (the census reads the codes only)."""
    for code in codes:
        PersonDisability.objects.create(person=person, code=code)


def referral(
    person: Person,
    referred: date,
    *,
    closed: date | None = None,
    reason: str = "",
    nfa: bool = False,
    source: str = "2A",
    need: str = "N1",
) -> Referral:
    return ReferralFactory(
        person=person,
        referral_date=referred,
        closed_on=closed,
        closure_reason=reason or ("RC7" if closed else ""),
        nfa=nfa,
        source=source,
        primary_need=need,
    )


def assessment(
    ref: Referral, started: date, authorised: date | None = None, factors: list[str] | None = None
) -> Assessment:
    return Assessment.objects.create(
        referral=ref,
        started_on=started,
        due_on=started,
        completed_on=authorised,
        authorised_on=authorised,
        factors=factors or [],
    )


def cin_plan(ref: Referral, started: date, ended: date | None = None) -> ChildInNeedPlan:
    return ChildInNeedPlan.objects.create(referral=ref, started_on=started, ended_on=ended)


def section47(
    ref: Referral,
    started: date,
    due: date,
    *,
    completed: date | None = None,
    outcome: str = "",
) -> Section47Enquiry:
    user = UserFactory()
    discussion = StrategyDiscussion.objects.create(
        referral=ref,
        held_on=started,
        decision=StrategyDecision.SECTION_47,
        rationale="Synthetic test case.",
        recorded_by=user,
    )
    return Section47Enquiry.objects.create(
        referral=ref,
        strategy_discussion=discussion,
        started_on=started,
        icpc_due_on=due,
        completed_on=completed,
        outcome=outcome or (Section47Outcome.CONFERENCE if completed else ""),
    )


def conference(
    ref: Referral,
    held: date,
    *,
    kind: str = ConferenceKind.INITIAL,
    enquiry: Section47Enquiry | None = None,
    plan: ChildProtectionPlan | None = None,
    decision: str = ConferenceDecision.PLAN,
) -> Conference:
    return Conference.objects.create(
        referral=ref,
        kind=kind,
        section47=enquiry,
        plan=plan,
        held_on=held,
        decision=decision,
        recorded_by=UserFactory(),
    )


def cp_plan(
    ref: Referral,
    started: date,
    ended: date | None = None,
    *,
    initial: str = "NEG",
    latest: str = "NEG",
) -> ChildProtectionPlan:
    return ChildProtectionPlan.objects.create(
        referral=ref,
        person=ref.person,
        started_on=started,
        ended_on=ended,
        end_reason=PlanEndReason.REVIEW_CONFERENCE if ended else "",
        initial_category=initial,
        latest_category=latest,
    )
