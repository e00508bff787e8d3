"""Serious incident pages (issue 10, item 1): recording from the child's record, the incident page,
the notification to the national panel and starting the rapid review. Who may open them (R18,
R19), that the child is named on the incident's page only, and that reading it is audited (R27)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.tests.factories import restrict

from ...constants import ReviewKind
from ...models import Review, SeriousIncident
from .. import factories as f
from .conftest import day, url

pytestmark = pytest.mark.django_db

TODAY = f.TODAY


def _incident_form(**extra: str) -> dict[str, str]:
    return {
        "kind": "serious_harm",
        "summary": "Synthetic: a baby was admitted to hospital with a fractured arm.",
        **day("incident_on", date(2026, 11, 23)),
        **day("aware_on", date(2026, 11, 24)),
        **extra,
    }


def test_a_team_manager_records_an_incident_from_the_childs_record(login) -> None:
    manager = f.team_manager()
    child = f.child(given_name="Ada", family_name="Synthetica", date_of_birth=date(2025, 2, 3))
    police = f.police()
    client = login(manager)
    new = f"{url('incident_new')}?person={child.pk}"
    page = client.get(new).content.decode()
    assert "Ada Synthetica" in page
    assert "3 February 2025" in page
    assert "Synthetic Constabulary" in page  # agencies offered as checkboxes
    response = client.post(new, _incident_form(agencies=str(police.pk)))
    assert response.status_code == 302
    incident = SeriousIncident.objects.get()
    assert response.url == url("incident", incident)
    assert incident.child == child
    assert incident.recorded_by == manager
    assert list(incident.agencies.all()) == [police]
    # 5 working days from Tuesday 24 November 2026.
    assert incident.notify_due_on == date(2026, 12, 1)


def test_a_refusal_is_shown_at_the_field_and_nothing_is_saved(login) -> None:
    child = f.child()
    client = login(f.team_manager())
    new = f"{url('incident_new')}?person={child.pk}"
    response = client.post(
        new,
        _incident_form(summary="")
        | day("aware_on", date(2026, 11, 20))
        | day("incident_on", date(2026, 11, 23)),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "The council cannot have become aware before the incident on 23 November 2026." in body
    assert 'href="#id_aware_on"' in body
    assert "Say briefly what happened." in body
    assert not SeriousIncident.objects.exists()


def test_recording_needs_a_child_the_manager_may_open(login) -> None:
    """R19: no child, a malformed id or a restricted child all answer 404."""
    client = login(f.team_manager())
    hidden = f.child()
    restrict(hidden)
    assert client.get(url("incident_new")).status_code == 404
    assert client.get(f"{url('incident_new')}?person=not-an-id").status_code == 404
    assert client.get(f"{url('incident_new')}?person={hidden.pk}").status_code == 404


def test_the_partnership_cannot_record_an_incident(login) -> None:
    """R18: the partnership has no people search; incidents come from council managers."""
    child = f.child()
    assert login(f.partnership_manager()).get(f"{url('incident_new')}?person={child.pk}").status_code == 403


def test_the_incident_page_names_the_child_and_is_audited(login) -> None:
    """R27: opening the incident (which names the child) writes a VIEW event."""
    manager = f.partnership_manager()
    incident = f.incident(child=f.child(given_name="Bea", family_name="Synthetix"))
    f.review(incident=incident, subject_label="Child B")
    response = login(manager).get(url("incident", incident))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body
    assert incident.reference in body
    assert "Bea Synthetix" in body
    assert "Overdue by 2 days" in body  # due 24 November
    assert "Child B" in body
    assert "Record the notification to the national panel" in body
    assert AuditEvent.objects.filter(
        verb=Verb.VIEW, object_id=str(incident.pk), section="incident", actor=manager
    ).exists()


def test_only_the_partnership_and_the_recorder_open_an_incident(login) -> None:
    """R19: another team manager gets the 404 of an incident that does not exist; roles without a
    learning capability are refused outright (R18)."""
    recorder = f.team_manager()
    incident = f.incident(recorded_by=recorder)
    client = login(recorder)
    assert client.get(url("incident", incident)).status_code == 200
    client.logout()
    other = login(f.team_manager())
    assert other.get(url("incident", incident)).status_code == 404
    assert other.get(url("incident_notify", incident)).status_code == 404
    other.logout()
    for role in (Role.SOCIAL_WORKER, Role.LEARNING_PARTNER):
        refused = login(UserFactory(role=role))
        assert refused.get(url("incident", incident)).status_code == 403
        assert refused.get(url("incident_list")).status_code == 403
        refused.logout()
    restrict(incident.child)
    assert login(f.partnership_manager()).get(url("incident", incident)).status_code == 404


def test_recording_the_notification(login) -> None:
    manager = f.partnership_manager()
    incident = f.incident()
    client = login(manager)
    assert client.get(url("incident_notify", incident)).status_code == 200
    response = client.post(
        url("incident_notify", incident),
        {"version": incident.version, "panel_reference": "CSPRP-123"}
        | day("notified_on", date(2026, 11, 25)),
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.notified_on == date(2026, 11, 25)
    assert incident.panel_reference == "CSPRP-123"


def test_a_notification_before_the_council_was_aware_is_refused_at_the_field(login) -> None:
    incident = f.incident()
    client = login(f.partnership_manager())
    response = client.post(
        url("incident_notify", incident),
        {"version": incident.version} | day("notified_on", date(2026, 11, 10)),
    )
    body = response.content.decode()
    assert 'href="#id_notified_on"' in body
    assert "cannot be before the council became aware" in body
    incident.refresh_from_db()
    assert incident.notified_on is None


def test_a_stale_notification_shows_the_conflict(login) -> None:
    """R49: someone saved the incident after this form was opened."""
    incident = f.incident()
    client = login(f.partnership_manager())
    stale = incident.version
    SeriousIncident.objects.filter(pk=incident.pk).update(version=stale + 1)
    response = client.post(url("incident_notify", incident), {"version": stale} | day("notified_on", TODAY))
    body = response.content.decode()
    assert response.status_code == 200
    assert "was changed by" in body
    assert "after you opened it" in body
    assert f'value="{stale + 1}"' in body
    incident.refresh_from_db()
    assert incident.notified_on is None


def test_starting_the_rapid_review(login) -> None:
    incident = f.incident()
    client = login(f.partnership_manager())
    assert client.get(url("rapid_review_start", incident)).status_code == 200
    response = client.post(
        url("rapid_review_start", incident),
        {"subject_label": "Child Q", "title": "Rapid review: Child Q"} | day("started_on", TODAY),
    )
    review = Review.objects.get()
    assert response.status_code == 302
    assert response.url == url("review", review)
    assert review.kind == ReviewKind.RAPID
    assert review.incident == incident


def test_a_label_that_reveals_the_child_is_refused_at_the_field(login) -> None:
    """Issue 10 bad input: "an anonymised label that would reveal the child's name"."""
    incident = f.incident(child=f.child(given_name="Zelda", family_name="Synthwood"))
    client = login(f.partnership_manager())
    response = client.post(
        url("rapid_review_start", incident),
        {"subject_label": "zelda S", "title": "Rapid review"} | day("started_on", TODAY),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_subject_label"' in body
    assert "This label would reveal who the child is" in body
    assert not Review.objects.exists()


def test_a_team_manager_may_not_start_a_rapid_review(login) -> None:
    recorder = f.team_manager()
    incident = f.incident(recorded_by=recorder)
    assert login(recorder).get(url("rapid_review_start", incident)).status_code == 403


def test_the_list_names_no_child_and_takes_a_flat_number_of_queries(
    login, django_assert_max_num_queries
) -> None:
    manager = f.partnership_manager()
    first = f.incident()
    f.review(incident=first, subject_label="Child A")
    client = login(manager)
    client.get(url("incident_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("incident_list"))
    children = []
    for n in range(4):
        incident = f.incident()
        children.append(incident.child)
        f.review(incident=incident, subject_label=f"Child {n}")
    with django_assert_max_num_queries(len(one)):
        response = client.get(url("incident_list"))
    body = response.content.decode()
    assert body.count("SIN-") >= 5
    for child in [first.child, *children]:
        assert str(child) not in body
