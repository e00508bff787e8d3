"""Through the front door (issue 9, item 5; ADR 0007 §6): the team's inbox of step-downs and MASH
handovers and taking each on, a step-up with the early help history, and a social worker's
step-down request. Who may use each page (R18, R19).

The pages are wired in front_door/web/early_help_views.py (they call the front door's services and
read a referral); the episode pages they lead to are early help's own."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.casework.tests.factories import team_with
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.early_help.constants import EpisodeSource, StepDirection
from safehub.early_help.models import EarlyHelpEpisode, Step
from safehub.early_help.tests.factories import eh_staff, opened, partner, practitioner, taf_member
from safehub.front_door.constants import ConcernCategory, ConsentStatus, HandoverStatus
from safehub.front_door.models import Contact
from safehub.front_door.tests.early_help.helpers import early_help_handover

pytestmark = pytest.mark.django_db

# The routes wired through the front door; every other name is early help's own.
_FRONT_DOOR_ROUTES = {"request_inbox", "handover_accept", "step_down_accept", "step_down_new", "step_up"}


def url(name: str, *args: Any) -> str:
    namespace = "early_help_front_door" if name in _FRONT_DOOR_ROUTES else "early_help"
    return reverse(f"{namespace}:{name}", args=[getattr(a, "pk", a) for a in args])


HANDOVER = "No need for statutory services now. Dad started with the recovery service in October."


def test_a_social_worker_asks_for_a_step_down_and_early_help_takes_it_on(login) -> None:
    referral = ReferralFactory()
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    client = login(manager)
    assert client.get(url("step_down_new", referral)).status_code == 200
    refused = client.post(url("step_down_new", referral), {"reason": ""})
    assert 'href="#id_reason"' in refused.content.decode()
    assert client.post(url("step_down_new", referral), {"reason": HANDOVER}).status_code == 302
    step = Step.objects.get(direction=StepDirection.DOWN)

    team, (practitioner_,) = eh_staff()
    client = login(practitioner_)
    assert "Take on" in client.get(url("request_inbox")).content.decode()
    response = client.post(
        url("step_down_accept", step), {"team": str(team.pk), "family_name": "the Stepdown family"}
    )
    assert response.status_code == 302
    episode = EarlyHelpEpisode.objects.get(source=EpisodeSource.STEP_DOWN)
    assert episode.step_down_handover == HANDOVER
    assert HANDOVER in client.get(url("episode", episode)).content.decode()


def test_the_team_takes_on_a_mash_handover(login) -> None:
    handover = early_help_handover()
    team, (practitioner_,) = eh_staff()
    client = login(practitioner_)
    assert handover.contact.reference in client.get(url("request_inbox")).content.decode()
    assert client.get(url("handover_accept", handover)).status_code == 200
    response = client.post(
        url("handover_accept", handover),
        {
            "team": str(team.pk),
            "family_name": "the Handover family",
            "reason": "The MASH decided early help.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.PICKED_UP
    assert EarlyHelpEpisode.objects.get(source=EpisodeSource.FRONT_DOOR).family_name == "the Handover family"


def test_stepping_up_sends_the_family_to_the_front_door(login) -> None:
    worker = practitioner()
    episode = opened(worker)
    client = login(worker)
    assert client.get(url("step_up", episode)).status_code == 200
    refused = client.post(
        url("step_up", episode), {"reason": "Bruising seen at school.", "consent": ConsentStatus.GIVEN}
    )
    assert 'href="#id_concerns"' in refused.content.decode()
    response = client.post(
        url("step_up", episode),
        {
            "reason": "Bruising seen at school.",
            "concerns": [ConcernCategory.PHYSICAL_ABUSE],
            "consent": ConsentStatus.NOT_SOUGHT,
            "consent_reason": "Asking could put the child at risk.",
        },
    )
    assert response.status_code == 302
    step = Step.objects.get(episode=episode, direction=StepDirection.UP)
    summary = Contact.objects.get(reference=step.other_reference).summary
    assert "Bruising seen at school." in summary
    assert "EARLY HELP HISTORY" in summary
    # A waiting step-up is not offered again.
    assert url("step_up", episode) not in client.get(url("episode", episode)).content.decode()


def test_who_may_use_the_front_door_pages(login) -> None:
    worker = practitioner()
    episode = opened(worker)
    member = partner()
    taf_member(episode, user=member)
    client = login(member)
    assert client.get(url("step_up", episode)).status_code == 403
    assert client.get(url("request_inbox")).status_code == 403
    assert client.get(url("step_down_new", ReferralFactory())).status_code == 403


def test_the_dashboard_counts_families_for_those_who_may_see_it(login) -> None:
    from safehub.accounts.tests.factories import UserFactory

    worker = practitioner()
    opened(worker)
    page = login(worker).get(url("dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Open episodes" in text
    # The practitioner sees the caseloads by worker; the analyst the counts only (R22).
    assert "Caseloads: open early help by worker" in text
    assert escape(worker.full_name) in text
    analyst = login(UserFactory(role=Role.PERFORMANCE_ANALYST)).get(url("dashboard"))
    assert analyst.status_code == 200
    assert "Caseloads" not in analyst.content.decode()
    assert login(partner()).get(url("dashboard")).status_code == 403
