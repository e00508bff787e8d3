"""The review, visit and health form pages: GET, POST valid and invalid (errors at the field, the
"Error: " title), 403 for a role without the capability, 404 for a hidden child (R18, R19), one
view audit per page (R27); and the period page sections in a fixed number of queries."""

from datetime import date

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.looked_after.models import (
    Conviction,
    HealthCheck,
    LookedAfterReview,
    PlacementVisit,
    SdqScore,
    SubstanceMisuse,
)
from safehub.looked_after.services.health import health_check_record, sdq_record
from safehub.looked_after.services.review import review_record, visit_record
from safehub.looked_after.web import review_sections
from safehub.people.tests.factories import restrict

from .cases import NOW, care_period, users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def url(name: str, period) -> str:
    return reverse(f"looked_after:{name}", args=[period.pk])


PAGES = [
    (
        "review_new",
        Role.IRO,
        {**_date("held_on", date(2026, 3, 1)), "participation": "PN1"},
        LookedAfterReview,
    ),
    (
        "visit_new",
        Role.SOCIAL_WORKER,
        {**_date("visited_on", date(2026, 3, 1)), "child_seen": "yes", "seen_alone": "on"},
        PlacementVisit,
    ),
    ("health_new", Role.SOCIAL_WORKER, {**_date("done_on", date(2026, 3, 1)), "kind": "dental"}, HealthCheck),
    ("sdq_new", Role.SOCIAL_WORKER, {**_date("recorded_on", date(2026, 3, 1)), "score": "12"}, SdqScore),
    (
        "substance_new",
        Role.SOCIAL_WORKER,
        {
            **_date("identified_on", date(2026, 3, 1)),
            "intervention_offered": "yes",
            "intervention_received": "no",
        },
        SubstanceMisuse,
    ),
    ("conviction_new", Role.SOCIAL_WORKER, _date("convicted_on", date(2026, 3, 1)), Conviction),
]


@pytest.mark.parametrize(("name", "role", "data", "model"), PAGES)
def test_get_then_post_valid_goes_back_to_the_period(signed_in, name, role, data, model) -> None:
    period = care_period()
    client = signed_in(role)
    response = client.get(url(name, period))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "govuk-back-link" in html
    assert escape(str(period.person)) in html
    assert AuditEvent.objects.filter(verb="view", object_id=str(period.pk)).count() == 1  # R27
    # The review form carries the period's version (R49); the other forms ignore it.
    response = client.post(url(name, period), {**data, "version": period.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith(f"/care/{period.pk}/")
    assert model.objects.filter(period=period).count() == 1


@pytest.mark.parametrize(("name", "role", "data", "model"), PAGES)
def test_post_invalid_shows_the_errors_at_the_fields(signed_in, name, role, data, model) -> None:
    period = care_period()
    client = signed_in(role)
    response = client.post(url(name, period), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert 'href="#id_' in html
    assert not model.objects.exists()


def test_service_errors_land_at_their_field(signed_in) -> None:
    period = care_period(born=date(2015, 1, 1))
    client = signed_in(Role.IRO)
    response = client.post(
        url("review_new", period),
        {**_date("held_on", date(2026, 1, 5)), "participation": "PN0", "version": period.version},
    )
    html = response.content.decode()
    assert 'href="#id_held_on"' in html
    assert "cannot be before the child became looked after on 2 February 2026" in html
    assert 'href="#id_participation"' in html
    assert "PN0 is only for a child under 4" in html


def test_visit_page_ignores_seen_alone_when_the_child_was_not_seen(signed_in) -> None:
    period = care_period()
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(
        url("visit_new", period),
        {
            **_date("visited_on", date(2026, 3, 1)),
            "child_seen": "no",
            "seen_alone": "on",
            "bedroom_seen": "on",
        },
    )
    assert response.status_code == 302
    visit = PlacementVisit.objects.get()
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (False, False, False)


def test_sdq_page_refuses_a_score_and_a_reason(signed_in) -> None:
    period = care_period()
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(
        url("sdq_new", period), {**_date("recorded_on", date(2026, 3, 1)), "score": "12", "reason": "SDQ1"}
    )
    assert response.status_code == 200
    assert "not both" in response.content.decode()


@pytest.mark.parametrize(("name", "role"), [("review_new", Role.SOCIAL_WORKER), ("visit_new", Role.IRO)])
def test_a_role_without_the_capability_is_refused(signed_in, name, role) -> None:
    """R18."""
    period = care_period()
    assert signed_in(role).get(url(name, period)).status_code == 403


@pytest.mark.parametrize(("name", "role", "data", "model"), PAGES)
def test_a_hidden_child_is_not_found(signed_in, name, role, data, model) -> None:
    """R19: a restricted child's period is the same 404 as a missing one, on GET and POST."""
    period = care_period()
    restrict(period.person)
    client = signed_in(role)
    assert client.get(url(name, period)).status_code == 404
    assert client.post(url(name, period), data).status_code == 404
    assert not model.objects.exists()


def test_anonymous_is_sent_to_sign_in(client) -> None:
    period = care_period()
    assert client.get(url("review_new", period)).status_code == 302


def test_sections_show_reviews_visits_and_health_in_fixed_queries(django_assert_max_num_queries) -> None:
    worker, manager, iro = users()
    period = care_period()
    period.iro = iro
    period.save()

    def render(limit: int) -> tuple[int, str]:
        with django_assert_max_num_queries(limit) as queries:
            built = review_sections.sections(manager, period)
        html = "".join(render_to_string(template, {"section": ctx}) for template, ctx in built)
        return len(queries.captured_queries), html

    bare, _ = render(20)
    for day in (3, 4, 5, 6):
        review_record(
            actor=manager, period=period, held_on=date(2026, 3, day), participation="PN4", chair=iro
        )
        visit_record(
            actor=worker, period=period, visited_on=date(2026, 3, day), child_seen=True, seen_alone=True
        )
    health_check_record(actor=worker, period=period, kind="dental", done_on=date(2026, 3, 9))
    sdq_record(actor=worker, period=period, recorded_on=date(2026, 3, 9), reason="SDQ5")
    _, html = render(bare)  # the same number of queries with rows as without
    assert html.count("<h2") == 3
    assert "PN4: " in html
    assert "6 March 2026, seen alone" in html
    assert "Next review due" in html
    assert "6 September 2026" in html
    assert "No score: " in html
    assert reverse("looked_after:review_new", args=[period.pk]) in html
    assert reverse("looked_after:visit_new", args=[period.pk]) in html


def test_sections_hide_links_from_those_who_may_not_use_them() -> None:
    _, _, iro = users()
    period = care_period()
    html = "".join(
        render_to_string(template, {"section": ctx})
        for template, ctx in review_sections.sections(iro, period)
    )
    assert reverse("looked_after:review_new", args=[period.pk]) in html
    assert reverse("looked_after:visit_new", args=[period.pk]) not in html
    assert reverse("looked_after:health_new", args=[period.pk]) not in html


def test_the_period_page_shows_the_three_sections(signed_in) -> None:
    period = care_period()
    client = signed_in(Role.TEAM_MANAGER)
    review_record(actor=client.user, period=period, held_on=date(2026, 3, 2), participation="PN1")
    response = client.get(reverse("looked_after:period", args=[period.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ('id="reviews">Reviews', 'id="visits">Visits', 'id="health">Health'):
        assert heading in html
    assert "2 March 2026" in html
