"""The missing, UASC and permanence pages and their sections of the period page (issue 6, items 4-6)."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.looked_after.models import (
    AdoptionDecision,
    MissingEpisode,
    PermanenceOrder,
    SiblingPlacementDecision,
)
from safehub.looked_after.services.missing import missing_record, uasc_record
from safehub.looked_after.services.permanence import adoption_decision_record, sibling_decision_record
from safehub.people.tests.factories import restrict

from .cases import adopters, ago, day, manager, period, person, placed, siblings, worker

pytestmark = pytest.mark.django_db


def url(name: str, obj: Any) -> str:
    return reverse(f"looked_after:{name}", args=[obj.pk])


def _invalid(response: Any, message: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    assert escape(message) in html
    assert html.count("<h1") == 1
    assert "govuk-back-link" in html


def test_a_worker_records_a_missing_episode(signed_in: Any) -> None:
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    page = client.get(url("missing_new", p))
    assert page.status_code == 200
    assert 'class="govuk-back-link"' in page.content.decode()
    response = client.post(
        url("missing_new", p), {"kind": "M", **day("started_on", ago(3)), **day("ended_on", None)}
    )
    assert response.status_code == 302
    assert response["Location"] == url("period", p)
    assert MissingEpisode.objects.get(period=p).started_on == ago(3)
    assert AuditEvent.objects.filter(verb="view", section="missing_new", object_id=str(p.pk)).exists()


def test_an_overlapping_episode_is_refused_on_the_page(signed_in: Any) -> None:
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    missing_record(actor=worker(), period=p, kind="M", started_on=ago(10))
    response = client.post(url("missing_new", p), {"kind": "A", **day("started_on", ago(5))})
    _invalid(response, "This overlaps the episode that started on")
    assert 'href="#id_started_on"' in response.content.decode()


def test_the_return_and_interview_are_recorded(signed_in: Any) -> None:
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    episode = missing_record(actor=worker(), period=p, kind="M", started_on=ago(10))
    assert client.get(url("missing_edit", episode)).status_code == 200
    bad = {
        **day("ended_on", ago(8)),
        **day("interview_offered_on", ago(9)),
        **day("interview_held_on", None),
        "version": episode.version,
    }
    _invalid(client.post(url("missing_edit", episode), bad), "cannot be before the child's return")
    good = {**bad, **day("interview_offered_on", ago(7)), "interview_accepted": "no"}
    assert client.post(url("missing_edit", episode), good).status_code == 302
    episode.refresh_from_db()
    assert (episode.interview_offered_on, episode.interview_accepted) == (ago(7), False)


def test_a_stale_form_shows_who_changed_the_episode(signed_in: Any) -> None:
    """R49: the second save sees a conflict naming who changed the record."""
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    episode = missing_record(actor=worker(), period=p, kind="M", started_on=ago(10))
    data = {**day("ended_on", ago(8)), "version": episode.version}
    assert client.post(url("missing_edit", episode), data).status_code == 302
    response = client.post(
        url("missing_edit", episode), {**day("ended_on", ago(7)), "version": episode.version}
    )
    assert response.status_code == 200
    assert "This episode was changed by" in response.content.decode()


def test_uasc_status_page(signed_in: Any) -> None:
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    assert client.get(url("uasc", p)).status_code == 200
    assert client.post(url("uasc", p), {**day("started_on", p.started_on)}).status_code == 302
    status = p.person.uasc_status
    response = client.post(
        url("uasc", p), {**day("started_on", ago(1)), **day("ceased_on", ago(2)), "version": status.version}
    )
    _invalid(response, "The date the status ceased cannot be before the date it started")


def test_adoption_pages(signed_in: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    assert client.get(url("adoption_decision_new", p)).status_code == 200
    assert client.post(url("adoption_decision_new", p), day("decided_on", ago(40))).status_code == 302
    decision = AdoptionDecision.objects.get(period=p)
    home = adopters()
    assert escape(home.name) in client.get(url("adoption_match", decision)).content.decode()
    match = {
        **day("matched_on", ago(30)),
        "household": str(home.pk),
        "fostered_by_adopters": "no",
        "adopter_count": "1",
        "adopter_sex": "MM",
        "adopter_legal_status": "L12",
        "version": decision.version,
    }
    _invalid(client.post(url("adoption_match", decision), match), "make them agree")
    assert client.post(url("adoption_match", decision), {**match, "adopter_count": "2"}).status_code == 302
    decision.refresh_from_db()
    cease = {**day("ceased_on", ago(10)), "reason": "RD1", "version": decision.version}
    assert client.get(url("adoption_cease", decision)).status_code == 200
    assert client.post(url("adoption_cease", decision), cease).status_code == 302
    decision.refresh_from_db()
    assert decision.ceased_reason == "RD1"


def test_an_adoption_order_without_a_decision_is_refused_on_the_page(signed_in: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    assert client.get(url("order_new", p)).status_code == 200
    response = client.post(url("order_new", p), {"kind": "adoption", **day("made_on", ago(1))})
    _invalid(response, "There is no decision that the child should be placed for adoption")
    response = client.post(
        url("order_new", p), {"kind": "sgo", **day("made_on", ago(1)), "carers_are_relatives": "on"}
    )
    assert response.status_code == 302
    assert PermanenceOrder.objects.get(period=p).carers_are_relatives is True


def test_previous_permanence_page(signed_in: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    assert client.get(url("previous_permanence", p)).status_code == 200
    data = {"previous_permanence": "P1", "la": "", **day("on", None), "version": p.version}
    _invalid(client.post(url("previous_permanence", p), data), "Enter the date of the order.")
    data = {**data, "la": "301", **day("on", ago(500))}
    assert client.post(url("previous_permanence", p), data).status_code == 302
    p.refresh_from_db()
    assert p.previous_permanence_la == "301"


def test_sibling_decision_page_offers_only_siblings(signed_in: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    sister, stranger = person(), person()
    siblings(p.person, sister)
    html = client.get(url("sibling_decision_new", p)).content.decode()
    assert f'value="{sister.pk}"' in html
    assert f'value="{stranger.pk}"' not in html
    data = {
        **day("decided_on", ago(1)),
        "decision": "together",
        "siblings": [str(stranger.pk)],
        "reason": "x",
    }
    _invalid(client.post(url("sibling_decision_new", p), data), "Select brothers and sisters from the list")
    data["siblings"] = [str(sister.pk)]
    assert client.post(url("sibling_decision_new", p), data).status_code == 302
    assert SiblingPlacementDecision.objects.get(period=p).decision == "together"


@pytest.mark.parametrize(
    "name",
    [
        "missing_new",
        "uasc",
        "adoption_decision_new",
        "order_new",
        "previous_permanence",
        "sibling_decision_new",
    ],
)
def test_a_hidden_child_is_not_found(signed_in: Any, name: str) -> None:
    """R19: a restricted child's pages are the project's 404, the same as a missing record."""
    client, p = signed_in(Role.TEAM_MANAGER), period()
    restrict(p.person)
    assert client.get(url(name, p)).status_code == 404
    assert client.post(url(name, p), {}).status_code == 404


def test_records_under_a_hidden_child_are_not_found(signed_in: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    episode = missing_record(actor=worker(), period=p, kind="M", started_on=ago(3))
    decision = adoption_decision_record(actor=manager(), period=p, decided_on=ago(3))
    restrict(p.person)
    assert client.get(url("missing_edit", episode)).status_code == 404
    assert client.get(url("adoption_match", decision)).status_code == 404
    assert client.get(url("adoption_cease", decision)).status_code == 404


def test_a_worker_cannot_open_the_managers_pages(signed_in: Any) -> None:
    """R18: permanence decisions need manage_cases."""
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    assert client.get(url("adoption_decision_new", p)).status_code == 403


def test_the_period_page_shows_the_sections(signed_in: Any, django_assert_max_num_queries: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    boss = manager()
    placed(p)
    for n in range(3):
        missing_record(
            actor=worker(), period=p, kind="M", started_on=ago(30 - 5 * n), ended_on=ago(29 - 5 * n)
        )
    uasc_record(actor=worker(), person=p.person, started_on=p.started_on)
    adoption_decision_record(actor=boss, period=p, decided_on=ago(20))
    for _ in range(3):
        sister = period()
        placed(sister)
        siblings(p.person, sister.person)
        sibling_decision_record(
            actor=boss,
            period=p,
            decided_on=ago(2),
            decision="apart",
            siblings=[sister.person],
            reason="Synthetic",
        )
    with django_assert_max_num_queries(80):
        response = client.get(url("period", p))
    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "Missing and away",
        "Unaccompanied asylum-seeking child",
        "Permanence",
        "Brothers and sisters",
    ):
        assert heading in html
    assert url("sibling_decision_new", p) in html
    assert "Not offered yet: due by" in html


def test_the_sections_read_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    """Episodes, siblings and decisions are read in bulk: no query per row."""
    from django.template.loader import render_to_string

    from safehub.looked_after.web.permanence_sections import sections

    boss, p = manager(), period()
    placed(p)
    for n in range(5):
        missing_record(
            actor=worker(), period=p, kind="A", started_on=ago(40 - 5 * n), ended_on=ago(39 - 5 * n)
        )
        sister = period()
        placed(sister)
        siblings(p.person, sister.person)
        sibling_decision_record(
            actor=boss, period=p, decided_on=ago(2), decision="together", siblings=[sister.person], reason="S"
        )
    sections(boss, p)  # warm the per-process caches (content types)
    with django_assert_max_num_queries(18):
        for template, context in sections(boss, p):
            render_to_string(template, {"section": context})


def test_a_worker_sees_the_missing_links_but_not_the_managers(signed_in: Any) -> None:
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    html = client.get(url("period", p)).content.decode()
    assert url("missing_new", p) in html
    assert url("uasc", p) in html
    assert url("adoption_decision_new", p) not in html
    assert url("order_new", p) not in html
    assert url("sibling_decision_new", p) not in html


def test_an_empty_post_shows_what_is_missing(signed_in: Any) -> None:
    client, p = signed_in(Role.SOCIAL_WORKER), period()
    _invalid(client.post(url("missing_new", p), {}), "Select whether the child was missing or away")
