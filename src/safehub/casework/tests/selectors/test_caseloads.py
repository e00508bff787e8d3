"""Caseloads: open cases per worker, counted and weighted by level (issue 5, item 4)."""

from decimal import Decimal
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.casework.constants import CaseLevel
from safehub.casework.models import CaseloadWeight
from safehub.casework.selectors.caseloads import caseloads, caseloads_by_team
from safehub.casework.selectors.involvements import involvement_get, involvements_awaiting_allocation
from safehub.casework.tests.factories import InvolvementFactory, team_with
from safehub.people.tests.factories import restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


def _rows(actor: Any, team: Any) -> dict[Any, Any]:
    return {row.worker: row for row in caseloads(actor=actor, team_id=team.pk)}


def test_counts_open_cases_and_weights_them_by_level() -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.REFERRAL)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.CHILD_PROTECTION)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.CHILD_PROTECTION)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.CHILD_IN_NEED, closed_on=clock.today())
    rows = _rows(manager, team)
    assert (rows[worker].count, rows[worker].weighted) == (3, Decimal("3.5"))  # 0.5 + 1.5 + 1.5
    assert rows[worker].by_level == {CaseLevel.REFERRAL: 1, CaseLevel.CHILD_PROTECTION: 2}
    assert rows[worker].summary == "3 cases, weighted 3.5"
    assert (rows[manager].count, rows[manager].weighted) == (0, Decimal("0"))


def test_a_councils_weight_replaces_the_default() -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.CHILD_PROTECTION)
    CaseloadWeight.objects.create(level=CaseLevel.CHILD_PROTECTION, weight=Decimal("2.25"))
    assert _rows(manager, team)[worker].weighted == Decimal("2.25")


def test_a_restricted_child_is_not_counted_for_a_reader_who_may_not_open_them() -> None:
    """R22: no count leaks a restricted child."""
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    hidden = InvolvementFactory(team=team, worker=worker)
    InvolvementFactory(team=team, worker=worker)
    restrict(hidden.person)
    assert _rows(manager, team)[worker].count == 1


def test_caseloads_need_manage_cases() -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    with pytest.raises(NotFoundOrForbidden):
        caseloads(actor=worker, team_id=team.pk)


def test_the_allocation_list_groups_workers_by_team_in_constant_queries(
    django_assert_max_num_queries: Any,
) -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    other, (other_worker,) = team_with(Role.SOCIAL_WORKER)
    for _ in range(5):
        InvolvementFactory(team=other, worker=other_worker)
    with django_assert_max_num_queries(6):
        groups = caseloads_by_team(actor=manager, teams=[team, other])
    assert [[r.worker for r in g.rows] for g in groups] == [
        sorted([manager, worker], key=lambda u: u.full_name),
        [other_worker],
    ]
    assert groups[1].rows[0].count == 5


def test_awaiting_allocation_is_the_managers_teams_and_unteamed_cases_newest_first() -> None:
    team, (manager,) = team_with(Role.TEAM_MANAGER)
    other, _ = team_with(Role.SOCIAL_WORKER)
    today = clock.today()
    older = InvolvementFactory(team=team, opened_on=today.replace(day=1) if today.day > 1 else today)
    newer = InvolvementFactory(team=None, opened_on=today)
    InvolvementFactory(team=other)  # another team's
    InvolvementFactory(team=team, worker=manager)  # allocated
    hidden = InvolvementFactory(team=team)
    restrict(hidden.person)
    assert involvements_awaiting_allocation(actor=manager) == [newer, older]
    assert involvements_awaiting_allocation(actor=manager, team_id=team.pk) == [older]


def test_involvement_get_is_one_answer_for_missing_and_forbidden() -> None:
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    assert involvement_get(actor=worker, id=involvement.pk) == involvement
    with pytest.raises(NotFoundOrForbidden):
        involvement_get(actor=worker, id=involvement.pk, action="manage")
    restrict(involvement.person)
    with pytest.raises(NotFoundOrForbidden):
        involvement_get(actor=worker, id=involvement.pk)
