"""The episode list and page, closing and the lead professional (issue 9, items 1 and 3): who
sees them (R18, R19), what they show, and a bounded number of queries on the list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.early_help.constants import EndReason, TafRole
from safehub.early_help.models import EarlyHelpEpisode

from ..factories import TODAY, opened, partner, practitioner, taf_member
from .conftest import day, url

pytestmark = pytest.mark.django_db


def test_a_practitioner_sees_the_list_and_the_page_with_its_forms(login) -> None:
    worker = practitioner()
    episode = opened(worker, family_name="the Synthetic family")
    client = login(worker)
    listing = client.get(url("episode_list"))
    assert listing.status_code == 200
    assert "the Synthetic family" in listing.content.decode()
    body = client.get(url("episode", episode)).content.decode()
    for link in (
        "Start the assessment",
        "Record a change in consent",
        "Record a meeting",
        "Close early help",
    ):
        assert link in body


def test_a_partner_sees_only_the_episodes_they_are_on(login) -> None:
    """R19: a partner not in the family's team gets the 404 of an episode that does not exist."""
    worker = practitioner()
    theirs = opened(worker, family_name="the Onteam family")
    other = opened(worker, family_name="the Offteam family")
    lead = partner()
    taf_member(theirs, user=lead)
    client = login(lead)
    listing = client.get(url("episode_list")).content.decode()
    assert "the Onteam family" in listing
    assert "the Offteam family" not in listing
    page = client.get(url("episode", theirs))
    assert page.status_code == 200
    # A partner records; managing the episode (closing, stepping up) is the council's.
    assert "Record a meeting" in page.content.decode()
    assert "Close early help" not in page.content.decode()
    assert client.get(url("episode", other)).status_code == 404
    assert client.get(url("consent_record", other)).status_code == 404
    assert client.get(url("close", theirs)).status_code == 403


def test_staff_without_early_help_are_refused(login) -> None:
    """R18: a role without view_early_help is forbidden the list and the page."""
    episode = opened(practitioner())
    client = login(UserFactory(role=Role.IRO))
    assert client.get(url("episode_list")).status_code == 403
    assert client.get(url("episode", episode)).status_code == 403


def test_the_list_takes_a_fixed_number_of_queries(login) -> None:
    worker = practitioner()
    opened(worker, family_name="the First family")
    client = login(worker)
    client.get(url("episode_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("episode_list"))
    for n in range(4):
        opened(worker, family_name=f"the Family {n}")
    with CaptureQueriesContext(connection) as five:
        response = client.get(url("episode_list"))
    assert response.content.decode().count("the Family") == 4
    assert len(five) == len(one)


def test_the_list_filters_by_status_and_pages(login) -> None:
    worker = practitioner()
    episode = opened(worker, family_name="the Closed family")
    client = login(worker)
    client.post(
        url("close", episode),
        {"version": episode.version, "end_reason": EndReason.NEEDS_MET, "summary": "Going well."}
        | day("closed_on", TODAY),
        follow=True,
    )
    assert "the Closed family" not in client.get(url("episode_list")).content.decode()
    assert "the Closed family" in client.get(url("episode_list") + "?status=closed").content.decode()


def test_closing_with_needs_met(login) -> None:
    worker = practitioner()
    episode = opened(worker)
    client = login(worker)
    assert client.get(url("close", episode)).status_code == 200
    response = client.post(
        url("close", episode),
        {"version": episode.version, "end_reason": EndReason.NEEDS_MET, "summary": "Attendance is back up."}
        | day("closed_on", TODAY),
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.closed_on == TODAY
    assert episode.end_reason == EndReason.NEEDS_MET


def test_closing_for_withdrawn_consent_needs_the_consent_on_record_first(login) -> None:
    worker = practitioner()
    episode = opened(worker)
    client = login(worker)
    response = client.post(
        url("close", episode),
        {"version": episode.version, "end_reason": EndReason.CONSENT_WITHDRAWN} | day("closed_on", TODAY),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Record that the family" in body
    assert EarlyHelpEpisode.objects.get(pk=episode.pk).closed_on is None


def test_changing_the_lead_professional(login) -> None:
    worker = practitioner()
    episode = opened(worker)
    member = taf_member(episode, name="Sam Synthetic")
    client = login(worker)
    assert client.get(url("lead_change", episode)).status_code == 200
    response = client.post(url("lead_change", episode), {"member": str(member.pk)})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == TafRole.LEAD_PROFESSIONAL


def test_an_episode_that_does_not_exist_is_404(login) -> None:
    client = login(practitioner())
    assert client.get(url("episode", "00000000-0000-0000-0000-000000000000")).status_code == 404
    assert date(2026, 11, 26) == TODAY


def test_adding_a_parent_found_in_the_person_index(login) -> None:
    from safehub.early_help.constants import MemberRole
    from safehub.early_help.tests.factories import adult

    worker = practitioner()
    episode = opened(worker)
    mum = adult(given_name="Mariam", family_name="Synthetica")
    client = login(worker)
    search = "?family_name=Synthetica&given_name=Mariam"
    found = client.get(url("member_add", episode) + search)
    assert str(mum.pk) in found.content.decode()
    response = client.post(
        url("member_add", episode) + search, {"person": str(mum.pk), "role": MemberRole.PARENT_CARER}
    )
    assert response.status_code == 302
    assert episode.members.filter(person=mum, role=MemberRole.PARENT_CARER).exists()
    again = client.post(
        url("member_add", episode) + search, {"person": str(mum.pk), "role": MemberRole.PARENT_CARER}
    )
    assert 'href="#id_person' in again.content.decode()
    assert "already in this family" in again.content.decode()
