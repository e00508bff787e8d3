"""The handover inbox and accept pages (issue 5): /mash/handovers/."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.accounts.models import TeamMembership
from safehub.casework.tests.factories import team_with
from safehub.child_protection.models import Referral
from safehub.child_protection.tests.factories import ReferralFactory

from ...constants import CHILD_ROLES, HandoverStatus, Outcome
from ...services.handover_intake import handover_accept_as_referral
from .helpers import handover_with_children

pytestmark = pytest.mark.django_db


def _manager_client(client: Any) -> tuple[Any, Any, Any]:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    client.force_login(manager)
    return client, team, worker


def test_the_inbox_lists_both_services_oldest_first(client: Any) -> None:
    older = handover_with_children(outcome=Outcome.STRATEGY, children=1)
    newer = handover_with_children(outcome=Outcome.ASSESSMENT, children=2)
    handover_with_children(outcome=Outcome.EARLY_HELP, children=1)
    client, _team, _worker = _manager_client(client)
    response = client.get(reverse("front_door_handovers:inbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(older.contact.reference) < page.index(newer.contact.reference)
    assert "2 waiting" in page
    for subject in newer.contact.subjects.filter(role__in=CHILD_ROLES):
        assert escape(str(subject.person)) in page
    assert "Strategy discussion (section 47 path)" in page


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MASH_MANAGER, Role.IRO])
def test_the_pages_need_manage_cases(signed_in: Any, role: str) -> None:
    handover = handover_with_children(children=1)
    client = signed_in(role)
    assert client.get(reverse("front_door_handovers:inbox")).status_code == 403
    assert client.get(reverse("front_door_handovers:accept", args=[handover.pk])).status_code == 403


def test_accepting_opens_the_referrals_and_goes_to_the_first_case(client: Any) -> None:
    handover = handover_with_children(outcome=Outcome.STRATEGY, children=2)
    client, team, worker = _manager_client(client)
    url = reverse("front_door_handovers:accept", args=[handover.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "A strategy discussion is due" in page.content.decode()
    response = client.post(
        url, {"team": str(team.pk), "worker": f"{team.pk}:{worker.pk}", "primary_need": "N1"}
    )
    assert response.status_code == 302
    referrals = list(Referral.objects.filter(mash_reference=handover.contact.reference))
    assert len(referrals) == 2
    assert {r.involvement.worker for r in referrals} == {worker}
    handover.refresh_from_db()
    assert response["Location"] == reverse("child_protection:case", args=[handover.receiving_reference])
    follow = client.get(response["Location"])
    assert "A strategy discussion is due" in follow.content.decode()


def test_an_open_referral_is_shown_as_an_error_naming_the_child(client: Any) -> None:
    handover = handover_with_children(children=1)
    child = handover.contact.subjects.get(role__in=CHILD_ROLES).person
    ReferralFactory(person=child)
    client, _team, _worker = _manager_client(client)
    response = client.post(reverse("front_door_handovers:accept", args=[handover.pk]), {})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert escape(f"{child} already has an open referral") in page
    assert Referral.objects.count() == 1


def test_a_worker_from_another_team_is_an_error_at_the_worker(client: Any) -> None:
    handover = handover_with_children(children=1)
    client, team, _worker = _manager_client(client)
    other, (outsider,) = team_with(Role.SOCIAL_WORKER)
    response = client.post(
        reverse("front_door_handovers:accept", args=[handover.pk]),
        {"team": str(team.pk), "worker": f"{other.pk}:{outsider.pk}"},
    )
    assert response.status_code == 200
    assert "is not a member of" in response.content.decode()
    assert not Referral.objects.exists()
    assert TeamMembership.objects.filter(team=other, user=outsider).exists()


def test_a_second_manager_sees_who_picked_it_up(client: Any, make_user: Any) -> None:
    handover = handover_with_children(children=1)
    first = make_user(Role.TEAM_MANAGER, mfa=False)
    handover_accept_as_referral(actor=first, handover=handover)
    client, _team, _worker = _manager_client(client)
    url = reverse("front_door_handovers:accept", args=[handover.pk])
    page = client.get(url).content.decode()
    assert escape(f"already been picked up by {first}") in page
    response = client.post(url, {})
    assert response.status_code == 200
    assert Referral.objects.count() == 1
    handover.refresh_from_db()
    assert (handover.status, handover.picked_up_by) == (HandoverStatus.PICKED_UP, first)
