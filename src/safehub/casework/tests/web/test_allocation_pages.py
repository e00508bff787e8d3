"""Allocation pages: the waiting cases, caseloads beside the choice of worker, the 903 reason."""

from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.casework.constants import CaseLevel
from safehub.casework.services.involvement import allocation_change
from safehub.casework.tests.factories import InvolvementFactory, team_with
from safehub.platform import clock

pytestmark = pytest.mark.django_db


def _signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _date(prefix: str = "started_on") -> dict[str, str]:
    today = clock.today()
    return {
        f"{prefix}_day": str(today.day),
        f"{prefix}_month": str(today.month),
        f"{prefix}_year": str(today.year),
    }


@pytest.mark.parametrize(
    ("role", "status"), [(Role.TEAM_MANAGER, 200), (Role.SOCIAL_WORKER, 403), (Role.IRO, 403)]
)
def test_allocation_page_by_role(signed_in: Any, role: str, status: int) -> None:
    assert signed_in(role).get(reverse("casework:allocation")).status_code == status


def test_allocation_page_lists_waiting_cases_and_caseloads(client: Any) -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    waiting = InvolvementFactory(team=team)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.CHILD_PROTECTION)
    page = _signed_in(client, manager).get(reverse("casework:allocation")).content.decode()
    assert reverse("casework:allocate", args=[waiting.pk]) in page
    assert "1 case awaiting allocation" in page
    assert f"Caseloads: {team.name}" in page
    assert "Child protection: 1" in page
    assert ">1.5<" in page


def test_allocate_shows_caseloads_in_the_worker_choices_and_allocates(client: Any) -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    InvolvementFactory(team=team, worker=worker, level=CaseLevel.CHILD_PROTECTION)
    involvement = InvolvementFactory()
    url = reverse("casework:allocate", args=[involvement.pk])
    _signed_in(client, manager)
    page = client.get(url).content.decode()
    assert "(1 case, weighted 1.5)" in page
    assert '<option value="LEFTRL">The previous social worker left the role</option>' in page
    response = client.post(
        url,
        {"team": str(team.pk), "worker": f"{team.pk}:{worker.pk}", "version": involvement.version, **_date()},
    )
    assert response.status_code == 302
    involvement.refresh_from_db()
    assert (involvement.team, involvement.worker) == (team, worker)


def test_changing_worker_needs_the_903_reason_at_its_field(client: Any) -> None:
    team, (manager, first, second) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    allocation_change(actor=manager, involvement=involvement, team=team, worker=first)
    url = reverse("casework:allocate", args=[involvement.pk])
    _signed_in(client, manager)
    involvement.refresh_from_db()
    version = involvement.version
    response = client.post(
        url, {"team": str(team.pk), "worker": f"{team.pk}:{second.pk}", "version": version, **_date()}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_reason"' in page
    assert "Choose why the social worker is changing." in page
    response = client.post(
        url,
        {
            "team": str(team.pk),
            "worker": f"{team.pk}:{second.pk}",
            "reason": "LEFTRL",
            "version": version,
            **_date(),
        },
    )
    assert response.status_code == 302
    involvement.refresh_from_db()
    assert involvement.worker == second


def test_a_worker_from_another_team_is_refused_at_the_worker_field(client: Any) -> None:
    team, (manager,) = team_with(Role.TEAM_MANAGER)
    other, (elsewhere,) = team_with(Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    response = _signed_in(client, manager).post(
        reverse("casework:allocate", args=[involvement.pk]),
        {
            "team": str(team.pk),
            "worker": f"{other.pk}:{elsewhere.pk}",
            "version": involvement.version,
            **_date(),
        },
    )
    assert response.status_code == 200
    assert 'href="#id_worker"' in response.content.decode()


def test_allocate_refuses_a_social_worker(signed_in: Any) -> None:
    involvement = InvolvementFactory()
    assert (
        signed_in(Role.SOCIAL_WORKER).get(reverse("casework:allocate", args=[involvement.pk])).status_code
        == 403
    )


def test_a_second_manager_allocating_from_a_stale_page_gets_the_conflict_not_an_overwrite(
    client: Any,
) -> None:
    """R49: two managers open the allocation page; the first allocates; the second, still on the
    old version, is told who changed it and nothing of theirs is saved."""
    team, (first_manager, second_manager, first, second) = team_with(
        Role.TEAM_MANAGER, Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER
    )
    involvement = InvolvementFactory()
    stale = involvement.version
    allocation_change(
        actor=first_manager, involvement=involvement, team=team, worker=first, expected_version=stale
    )
    url = reverse("casework:allocate", args=[involvement.pk])
    response = _signed_in(client, second_manager).post(
        url, {"team": str(team.pk), "worker": f"{team.pk}:{second.pk}", "version": stale, **_date()}
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(f"This case was allocated by {first_manager}" in e for e in errors), errors
    involvement.refresh_from_db()
    assert involvement.worker == first
    assert involvement.allocations.count() == 1


def test_the_allocation_form_carries_the_version_it_was_read_at(client: Any) -> None:
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    involvement = InvolvementFactory()
    page = (
        _signed_in(client, manager).get(reverse("casework:allocate", args=[involvement.pk])).content.decode()
    )
    assert f'name="version" value="{involvement.version}"' in page
