"""Child in need and child protection work in the child's chronology (issue 5, item 3)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.child_protection.chronology import referral_entries
from safehub.child_protection.constants import (
    AssessmentOutcome,
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    Section47Outcome,
    StrategyDecision,
    VisitKind,
)
from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from safehub.people.chronology import chronology_for
from safehub.people.tests.factories import restrict
from safehub.reference_data.selectors import code_label

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db

START = date(2025, 1, 6)


def _day(n: int) -> date:
    return START + timedelta(days=n)


def _case(*, visits: int = 1) -> Any:
    """A referral that went all the way: assessment, strategy discussion, s47, ICPC, a plan ended
    at review, a CIN plan, visits, closure (rows written directly; the services are tested apart)."""
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    referral = ReferralFactory(referral_date=START, closed_on=_day(400), closure_reason="RC7")
    Assessment.objects.create(
        referral=referral,
        started_on=_day(1),
        due_on=_day(60),
        completed_on=_day(20),
        outcome=AssessmentOutcome.STRATEGY,
        authorised_on=_day(21),
    )
    discussion = StrategyDiscussion.objects.create(
        referral=referral,
        held_on=_day(22),
        decision=StrategyDecision.SECTION_47,
        rationale="Injury unexplained (synthetic).",
        recorded_by=worker,
    )
    enquiry = Section47Enquiry.objects.create(
        referral=referral,
        strategy_discussion=discussion,
        started_on=_day(22),
        icpc_due_on=_day(43),
        completed_on=_day(30),
        outcome=Section47Outcome.CONFERENCE,
    )
    Conference.objects.create(
        referral=referral,
        kind=ConferenceKind.INITIAL,
        section47=enquiry,
        held_on=_day(40),
        decision=ConferenceDecision.PLAN,
        category="NEG",
        recorded_by=worker,
    )
    ChildProtectionPlan.objects.create(
        referral=referral,
        person=referral.person,
        started_on=_day(40),
        initial_category="NEG",
        latest_category="NEG",
        ended_on=_day(200),
        end_reason=PlanEndReason.REVIEW_CONFERENCE,
    )
    ChildInNeedPlan.objects.create(referral=referral, started_on=_day(201), ended_on=_day(399))
    Visit.objects.bulk_create(
        Visit(
            referral=referral,
            kind=VisitKind.CP,
            visited_on=_day(41 + n % 150),
            child_seen=n % 2 == 0,
            recorded_by=worker,
        )
        for n in range(visits)
    )
    return referral


def test_every_step_of_the_case_is_in_the_chronology(make_user: Any) -> None:
    referral = _case(visits=2)
    actor = make_user(Role.SOCIAL_WORKER, mfa=False)
    entries = chronology_for(actor=actor, person=referral.person).entries
    mine = [(e.date, e.title, e.detail) for e in entries if e.source == "child_protection"]
    source = code_label("cin.referralsourcetype", "2A")
    assert (_day(0), "Referral to children's social care", f"Source: {source}") in mine
    assert (_day(1), "Child and family assessment started", "") in mine
    assert (
        _day(21),
        "Child and family assessment authorised",
        "Outcome: Strategy discussion (possible section 47 enquiry)",
    ) in mine
    assert (_day(22), "Strategy discussion", "Decision: Start a section 47 enquiry") in mine
    assert (_day(22), "Section 47 enquiry started", "") in mine
    assert any(title == "Section 47 enquiry completed" for _d, title, _x in mine)
    assert (
        _day(40),
        "Initial child protection conference",
        "Decision: Child protection plan; category: Neglect",
    ) in mine
    assert (_day(40), "Child protection plan started", "Category: Neglect") in mine
    assert any(t == "Child protection plan ended" and "review conference" in d for _d, t, d in mine)
    assert (_day(201), "Child in need plan started", "") in mine
    assert (_day(399), "Child in need plan ended", "") in mine
    assert (_day(41), "Child protection visit: child seen", "") in mine
    assert (_day(42), "Child protection visit: child not seen", "") in mine
    closure = [e for e in entries if e.title == "Case closed"]
    assert len(closure) == 1
    assert "Services ceased" in closure[0].detail
    assert all(e.url == f"/cases/referrals/{referral.pk}/" for e in entries if e.source == "child_protection")


def test_the_number_of_queries_does_not_grow_with_the_events() -> None:
    actor = UserFactory(role=Role.SOCIAL_WORKER)
    counts = []
    for visits in (1, 300):
        referral = _case(visits=visits)
        with CaptureQueriesContext(connection) as queries:
            entries = list(referral_entries(referral.person, actor))
        assert len(entries) >= visits
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_restricted_child_shows_nothing_to_whoever_may_not_open_it() -> None:
    """R19: the source is scoped by the referral policy, itself restricted with the child."""
    referral = _case()
    restrict(referral.person)
    actor = UserFactory(role=Role.SOCIAL_WORKER)
    assert list(referral_entries(referral.person, actor)) == []


def test_roles_without_view_cases_see_no_casework_entries(make_user: Any) -> None:
    referral = _case()
    actor = make_user(Role.EARLY_HELP, mfa=False)
    entries = chronology_for(actor=actor, person=referral.person).entries
    assert not [e for e in entries if e.source == "child_protection"]
