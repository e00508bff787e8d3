"""Open referrals on the front door's "already open" panel: the involvement source (issue 5)."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.casework.services.involvement import allocation_change
from safehub.casework.tests.factories import team_with
from safehub.child_protection.involvements import open_referrals
from safehub.child_protection.models import Assessment, ChildInNeedPlan, ChildProtectionPlan
from safehub.people.involvements import open_involvements
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform import clock

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _staged_referrals() -> dict[str, Any]:
    """Four children, each with an open referral at a different stage."""
    today = clock.today()
    at_referral = ReferralFactory()
    assessing = ReferralFactory()
    Assessment.objects.create(referral=assessing, started_on=today, due_on=today + timedelta(days=60))
    on_cin_plan = ReferralFactory()
    ChildInNeedPlan.objects.create(referral=on_cin_plan, started_on=today)
    on_cp_plan = ReferralFactory()
    ChildProtectionPlan.objects.create(
        referral=on_cp_plan,
        person=on_cp_plan.person,
        started_on=today,
        initial_category="NEG",
        latest_category="NEG",
    )
    return {
        "Referral": at_referral,
        "Assessment": assessing,
        "Child in need plan": on_cin_plan,
        "Child protection plan": on_cp_plan,
    }


def test_each_open_referral_is_listed_with_its_stage_worker_and_team() -> None:
    staged = _staged_referrals()
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    allocation_change(actor=manager, involvement=staged["Assessment"].involvement, team=team, worker=worker)
    closed = ReferralFactory(closed_on=clock.today(), closure_reason="RC7")
    people = [r.person_id for r in staged.values()] + [closed.person_id]
    found = {i.person_id: i for i in open_involvements(actor=manager, person_ids=people)}
    assert {found[r.person_id].service: r for r in staged.values() if r.person_id in found} == staged
    assert closed.person_id not in found
    assessing = found[staged["Assessment"].person_id]
    assert (assessing.worker, assessing.team) == (str(worker), str(team))
    assert assessing.started_on == staged["Assessment"].referral_date
    assert assessing.url == f"/cases/referrals/{staged['Assessment'].pk}/"


def test_a_restricted_childs_referral_is_never_listed() -> None:
    """R19: the panel is scoped by the referral policy, so a restricted child's case stays hidden."""
    referral = ReferralFactory()
    other = ReferralFactory()
    restrict(referral.person)
    actor = UserFactory(role=Role.SOCIAL_WORKER)
    listed = list(open_referrals(actor, [referral.person_id, other.person_id]))
    assert [i.person_id for i in listed] == [other.person_id]


def test_roles_without_view_cases_see_nothing() -> None:
    referral = ReferralFactory()
    for role in (Role.EARLY_HELP, Role.MASH_PARTNER, Role.REFERRER):
        assert list(open_referrals(UserFactory(role=role), [referral.person_id])) == []


def test_one_query_whatever_the_number_of_people() -> None:
    actor = UserFactory(role=Role.MASH_SOCIAL_WORKER)
    counts = []
    for how_many in (1, 20):
        staged = [r for _ in range(how_many // 4 or 1) for r in _staged_referrals().values()]
        ids = [PersonFactory().pk] + [r.person_id for r in staged]
        with CaptureQueriesContext(connection) as queries:
            listed = list(open_referrals(actor, ids))
        assert len(listed) == len(staged)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2
