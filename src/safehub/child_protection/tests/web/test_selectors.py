"""The child protection selectors: every read through the referral policy (R19), the list's stage
the same as the case header's, pages of 50, and the case read audited once (R27)."""

from datetime import date, timedelta

import pytest
import time_machine

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.child_protection.clocks import referral_stage
from safehub.child_protection.constants import Stage
from safehub.child_protection.models import Referral
from safehub.child_protection.selectors import (
    CASE_LIST_PAGE,
    assessment_get,
    referral_case,
    referral_get,
    referral_list,
    referrals_for_person,
    section47_get,
    stage_expression,
)
from safehub.child_protection.services.plan import cin_plan_start
from safehub.child_protection.services.referral import referral_close
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.child_protection.tests.services.referral_cases import (
    NOW,
    authorised,
    child,
    referral,
    staff,
    started,
    strategy,
)
from safehub.people.tests.factories import restrict
from safehub.platform.errors import NotFoundOrForbidden

from .protection_cases import cp_case, on_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_referral_get_is_one_answer_for_missing_and_forbidden(make_user) -> None:
    """R19: a restricted child's referral, a missing id and an action the role lacks all raise
    the same NotFoundOrForbidden."""
    worker, manager = staff()
    person = child()
    ref = referral(worker, person)
    assert referral_get(actor=worker, id=ref.pk) == ref
    assert referral_get(actor=manager, id=ref.pk, action="manage") == ref
    with pytest.raises(NotFoundOrForbidden):
        referral_get(actor=worker, id=ref.pk, action="manage")
    with pytest.raises(NotFoundOrForbidden):
        referral_get(actor=make_user(Role.REFERRER), id=ref.pk)
    restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        referral_get(actor=worker, id=ref.pk)


def test_records_under_a_referral_are_checked_through_it(make_user) -> None:
    """R19: an assessment or enquiry of a restricted child is not found, though its id is real."""
    worker, _manager = staff()
    person = child()
    ref = referral(worker, person)
    assessment = started(worker, ref)
    enquiry = strategy(worker, ref).section47_enquiry
    assert assessment_get(actor=worker, id=assessment.pk, action="record") == assessment
    assert section47_get(actor=worker, id=enquiry.pk, action="record") == enquiry
    with pytest.raises(NotFoundOrForbidden):
        assessment_get(actor=make_user(Role.IRO), id=assessment.pk, action="record")
    restrict(person)
    for getter, obj in ((assessment_get, assessment), (section47_get, enquiry)):
        with pytest.raises(NotFoundOrForbidden):
            getter(actor=worker, id=obj.pk)
    with pytest.raises(NotFoundOrForbidden):
        assessment_get(actor=worker, id=enquiry.pk)  # an id of another kind is simply missing


def test_the_list_stage_matches_the_case_header(make_user) -> None:
    """The list filters on a stage computed in SQL; it must say what `referral_stage` says."""
    chair = make_user(Role.IRO)
    worker, manager = staff()
    cases = {
        "referral": referral(worker),
        "assessment": started(worker, referral(worker)).referral,
        "assessed": authorised(worker, manager, referral(worker)).referral,
        "s47": strategy(worker, referral(worker)).referral,
        "conference": cp_case()[2],
        "plan": on_plan(chair)[2],
    }
    cin = authorised(worker, manager, referral(worker)).referral
    cin_plan_start(actor=worker, referral=cin, started_on=date(2026, 11, 10))
    cases["cin_plan"] = cin
    closed = referral(worker)
    referral_close(
        actor=manager,
        referral=closed,
        expected_version=closed.version,
        closed_on=date(2026, 11, 2),
        reason="RC7",
    )
    cases["closed"] = closed
    annotated = dict(
        Referral.objects.filter(pk__in=[r.pk for r in cases.values()])
        .annotate(stage=stage_expression())
        .values_list("pk", "stage")
    )
    seen = {}
    for name, ref in cases.items():
        fresh = Referral.objects.get(pk=ref.pk)
        assert annotated[ref.pk] == referral_stage(fresh), name
        seen[name] = annotated[ref.pk]
    assert seen == {
        "referral": Stage.REFERRAL,
        "assessment": Stage.ASSESSMENT,
        "assessed": Stage.CHILD_IN_NEED,
        "s47": Stage.SECTION_47,
        "conference": Stage.CONFERENCE,
        "plan": Stage.CP_PLAN,
        "cin_plan": Stage.CIN_PLAN,
        "closed": Stage.CLOSED,
    }


def test_the_list_is_scoped_newest_first_and_paged(make_user) -> None:
    worker = make_user(Role.SOCIAL_WORKER)
    hidden = ReferralFactory(referral_date=date(2026, 11, 20))
    restrict(hidden.person)
    start = date(2026, 1, 1)
    for n in range(CASE_LIST_PAGE + 1):
        ReferralFactory(referral_date=start + timedelta(days=n))
    first = referral_list(actor=worker)
    assert first.total == CASE_LIST_PAGE + 1
    assert first.pages == 2
    assert hidden not in first.referrals
    assert first.referrals[0].referral_date == start + timedelta(days=CASE_LIST_PAGE)
    assert [r.referral_date for r in first.referrals] == sorted(
        (r.referral_date for r in first.referrals), reverse=True
    )
    second = referral_list(actor=worker, page=2)
    assert [r.referral_date for r in second.referrals] == [start]
    assert (second.first, second.last, second.has_previous, second.has_next) == (51, 51, True, False)
    assert referral_list(actor=make_user(Role.REFERRER)).total == 0
    # Every listing is audited with the ids it showed (R27).
    event = AuditEvent.objects.filter(verb=Verb.LIST, actor=worker).latest("seq")
    assert event.section == "case_list"


def test_closed_referrals_are_listed_only_when_asked(make_user) -> None:
    worker = make_user(Role.SOCIAL_WORKER)
    closed = ReferralFactory(
        referral_date=date(2026, 10, 1), closed_on=date(2026, 10, 5), closure_reason="RC7"
    )
    assert closed not in referral_list(actor=worker).referrals
    assert closed in referral_list(actor=worker, open_only=False).referrals


def test_a_childs_referrals(make_user) -> None:
    worker = make_user(Role.SOCIAL_WORKER)
    person = child()
    old = ReferralFactory(
        person=person, referral_date=date(2025, 1, 1), closed_on=date(2025, 3, 1), closure_reason="RC7"
    )
    new = ReferralFactory(person=person, referral_date=date(2026, 10, 1))
    assert referrals_for_person(actor=worker, person=person) == [new, old]
    restrict(person)
    assert referrals_for_person(actor=worker, person=person) == []


def test_the_case_read_is_audited_and_says_what_the_actor_may_do(make_user) -> None:
    """R27: one view event with section "case"; `can` follows the policy."""
    worker, manager = staff()
    ref = referral(worker)
    started(worker, ref)
    case = referral_case(actor=worker, referral=referral_get(actor=worker, id=ref.pk))
    assert case.can == {"record": True, "manage": False, "chair": False}
    assert case.stage == Stage.ASSESSMENT
    assert case.stage_label == "Assessment"
    assert case.open_assessment is not None
    assert case.open_section47 is None
    assert [t.key for t in case.open_tasks] == ["cin.assessment"]
    assert (
        AuditEvent.objects.filter(verb=Verb.VIEW, actor=worker, object_id=str(ref.pk), section="case").count()
        == 1
    )
    as_manager = referral_case(actor=manager, referral=referral_get(actor=manager, id=ref.pk))
    assert as_manager.can == {"record": True, "manage": True, "chair": True}
    chair = make_user(Role.IRO)
    assert referral_case(actor=chair, referral=referral_get(actor=chair, id=ref.pk)).can == {
        "record": False,
        "manage": False,
        "chair": True,
    }


def test_discussions_carry_their_enquiry_or_none() -> None:
    worker, _manager = staff()
    ref = referral(worker)
    strategy(worker, ref, decision="continue")
    strategy(worker, ref, held_on=date(2026, 10, 13))
    case = referral_case(actor=worker, referral=referral_get(actor=worker, id=ref.pk))
    enquiries = [d.enquiry for d in case.strategy_discussions]
    assert enquiries[0] is None
    assert enquiries[1] is not None
