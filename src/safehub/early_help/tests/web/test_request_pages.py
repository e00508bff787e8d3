"""Requests for support (issue 9, item 1; ADR 0007 §7): a school's designated lead asks, the early
help team accepts (choosing or recording the child) or declines. Who may use each page (R18)."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.early_help.constants import EpisodeSource, NeedArea, RequestStatus
from safehub.early_help.models import EarlyHelpEpisode, SupportRequest
from safehub.early_help.services.requests import support_request_submit
from safehub.people.models import Person
from safehub.people.services.match_keys import person_refresh_match_keys

from ..factories import child, eh_staff, partner
from .conftest import day, url

pytestmark = pytest.mark.django_db


def _request(requester, **fields):
    fields.setdefault("child_first_name", "Amira")
    fields.setdefault("child_last_name", "Synthetica")
    fields.setdefault("child_date_of_birth", child().date_of_birth)
    return support_request_submit(
        actor=requester,
        reason="Mornings are hard; attendance has fallen.",
        family_consents=True,
        needs=[NeedArea.EDUCATION],
        **fields,
    )


def test_a_partner_asks_for_early_help_and_sees_the_request(login) -> None:
    lead = partner()
    client = login(lead)
    assert client.get(url("my_requests")).status_code == 200
    assert client.get(url("request_new")).status_code == 200
    response = client.post(
        url("request_new"),
        {
            "child_first_name": "Amira",
            "child_last_name": "Synthetica",
            "reason": "Attendance has fallen to 80%.",
            "needs": [NeedArea.EDUCATION],
            "family_consents": "on",
        }
        | day("child_date_of_birth", child().date_of_birth),
        follow=True,
    )
    assert "Amira Synthetica" in response.content.decode()
    assert SupportRequest.objects.get(requested_by=lead).status == RequestStatus.SUBMITTED


def test_a_request_without_the_familys_agreement_is_refused_at_the_field(login) -> None:
    client = login(partner())
    response = client.post(
        url("request_new"),
        {"child_first_name": "Amira", "child_last_name": "Synthetica", "reason": "Worried."}
        | day("child_date_of_birth", child().date_of_birth),
    )
    body = response.content.decode()
    assert 'href="#id_family_consents"' in body
    assert "make a referral to the front door" in body
    assert not SupportRequest.objects.exists()


def test_the_team_accepts_a_request_choosing_the_childs_existing_record(login) -> None:
    team, (manager,) = eh_staff()
    lead = partner()
    existing = child(given_name="Amira", family_name="Synthetica")
    person_refresh_match_keys(existing)  # as person_create leaves a record, so the matcher finds it
    support = _request(lead, child_date_of_birth=existing.date_of_birth)
    client = login(manager)
    inbox = client.get(reverse("early_help_front_door:request_inbox")).content.decode()
    assert "Amira Synthetica" in inbox
    page = client.get(url("request_accept", support))
    assert page.status_code == 200
    assert str(existing.pk) in page.content.decode()
    response = client.post(
        url("request_accept", support),
        {"person": str(existing.pk), "family_name": "the Synthetica family", "team": str(team.pk)},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    episode = EarlyHelpEpisode.objects.get(source=EpisodeSource.PARTNER_REQUEST)
    assert [m.person for m in episode.members.all()] == [existing]
    assert Person.objects.filter(family_name="Synthetica").count() == 1
    # The requester joins the family's team, so they now see the episode (ADR 0007 §2).
    assert login(lead).get(url("episode", episode)).status_code == 200


def test_accepting_with_a_new_person_records_the_child(login) -> None:
    team, (manager,) = eh_staff()
    support = _request(partner(), child_first_name="Zebedee", child_last_name="Uniquename")
    client = login(manager)
    response = client.post(
        url("request_accept", support),
        {"person": "new", "family_name": "the Uniquename family", "team": str(team.pk)},
    )
    assert response.status_code == 302
    assert Person.objects.filter(given_name="Zebedee", family_name="Uniquename").count() == 1


def test_accepting_without_a_team_is_refused_and_records_no_one(login) -> None:
    _team, (manager,) = eh_staff()
    support = _request(partner(), child_first_name="Zebedee", child_last_name="Uniquename")
    client = login(manager)
    response = client.post(
        url("request_accept", support), {"person": "new", "family_name": "the Uniquename family"}
    )
    assert 'href="#id_team"' in response.content.decode()
    assert not Person.objects.filter(family_name="Uniquename").exists()


def test_declining_says_why(login) -> None:
    _team, (manager,) = eh_staff()
    lead = partner()
    support = _request(lead)
    client = login(manager)
    refused = client.post(url("request_decline", support), {"reason": ""})
    assert 'href="#id_reason"' in refused.content.decode()
    assert (
        client.post(url("request_decline", support), {"reason": "Universal services can help."}).status_code
        == 302
    )
    assert "Universal services can help." in login(lead).get(url("my_requests")).content.decode()


def test_who_may_use_the_request_pages(login) -> None:
    """R18: partners ask, the early help team decides; neither can use the other's pages."""
    support = _request(partner())
    client = login(partner())
    assert client.get(reverse("early_help_front_door:request_inbox")).status_code == 403
    assert client.get(url("request_accept", support)).status_code == 403
    client = login(UserFactory(role=Role.SOCIAL_WORKER))
    assert client.get(url("my_requests")).status_code == 403
    assert client.get(url("request_decline", support)).status_code == 403
