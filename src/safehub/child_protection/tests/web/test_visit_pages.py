"""Recording statutory visits (issue 5): the social worker records, an IRO may not; the seen-alone
and bedroom questions are revealed under "child seen" and work without JavaScript; the visits
table on the case page is newest first."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.child_protection.constants import VisitKind
from safehub.child_protection.models import Visit
from safehub.child_protection.services.plan import core_group_record, visit_record
from safehub.people.tests.factories import restrict

from .protection_cases import NOW, case_url, day, on_plan, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _visit(**extra):
    return {
        "kind": VisitKind.CP,
        **day(date(2026, 11, 10), "visited_on"),
        "child_seen": "yes",
        "seen_alone": "yes",
        "bedroom_seen": "no",
        "notes": "Synthetic visit notes.",
        **extra,
    }


def test_social_worker_records_a_cp_visit(signed_in, make_user) -> None:
    _worker, _manager, ref, plan = on_plan(make_user(Role.IRO))
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(url("visit_new", ref), _visit())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == case_url(ref)
    visit = Visit.objects.get(referral=ref)
    assert (visit.kind, visit.cp_plan, visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (
        VisitKind.CP,
        plan,
        True,
        True,
        False,
    )


def test_the_follow_up_questions_are_always_shown_without_an_aria_reveal(signed_in, make_user) -> None:
    """R59: GOV.UK Frontend's conditional reveal puts aria-expanded on a radio, which axe reports as
    critical (aria-allowed-attr); the two questions are shown with a hint instead."""
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    page = signed_in(Role.SOCIAL_WORKER).get(url("visit_new", ref)).content.decode()
    assert "data-aria-controls" not in page
    assert "govuk-radios__conditional" not in page
    assert "Answer the next two questions only if the child was seen." in page
    assert 'name="seen_alone"' in page
    assert 'name="bedroom_seen"' in page


def test_answers_under_not_seen_are_ignored(signed_in, make_user) -> None:
    """Without JavaScript the conditional questions stay visible; with "No" they do not count."""
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    response = signed_in(Role.SOCIAL_WORKER).post(url("visit_new", ref), _visit(child_seen="no"))
    assert response.status_code == 302
    visit = Visit.objects.get(referral=ref)
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (False, None, None)


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_SOCIAL_WORKER, Role.REFERRER, Role.MASH_PARTNER])
def test_roles_without_record_casework_may_not_record_visits(signed_in, make_user, role) -> None:
    """R18: an IRO chairs conferences but does not record visits."""
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    client = signed_in(role)
    assert client.get(url("visit_new", ref)).status_code == 403
    assert client.post(url("visit_new", ref), _visit()).status_code == 403
    assert not Visit.objects.exists()


def test_restricted_child_is_not_found(signed_in, make_user) -> None:
    """R19."""
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    restrict(ref.person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("visit_new", ref)).status_code == 404
    assert client.post(url("visit_new", ref), _visit()).status_code == 404
    assert not Visit.objects.exists()


def test_missing_answers_are_shown_at_their_fields(signed_in, make_user) -> None:
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    response = signed_in(Role.SOCIAL_WORKER).post(url("visit_new", ref), {"notes": "Synthetic."})
    page = response.content.decode()
    assert response.status_code == 200
    for field in ("kind", "visited_on", "child_seen"):
        assert f'href="#id_{field}"' in page
        assert f'id="id_{field}-error"' in page
    assert "Select yes if the child was seen" in page
    assert not Visit.objects.exists()


def test_a_cin_visit_without_a_cin_plan_is_refused_at_the_kind(signed_in, make_user) -> None:
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    response = signed_in(Role.SOCIAL_WORKER).post(url("visit_new", ref), _visit(kind=VisitKind.CIN))
    assert response.status_code == 200
    assert 'id="id_kind-error"' in response.content.decode()
    assert not Visit.objects.exists()


def test_future_visit_date_is_refused_at_the_field(signed_in, make_user) -> None:
    _worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    response = signed_in(Role.SOCIAL_WORKER).post(
        url("visit_new", ref), _visit(**day(date(2026, 12, 1), "visited_on"))
    )
    assert response.status_code == 200
    assert 'id="id_visited_on-error"' in response.content.decode()
    assert not Visit.objects.exists()


def test_case_page_lists_visits_newest_first(signed_in, make_user) -> None:
    worker, _manager, ref, _plan = on_plan(make_user(Role.IRO))
    visit_record(
        actor=worker, referral=ref, kind=VisitKind.CP, visited_on=date(2026, 11, 5), child_seen=False
    )
    visit_record(
        actor=worker,
        referral=ref,
        kind=VisitKind.CP,
        visited_on=date(2026, 11, 19),
        child_seen=True,
        seen_alone=True,
        bedroom_seen=True,
    )
    page = signed_in(Role.SOCIAL_WORKER).get(case_url(ref)).content.decode()
    section = page[page.index('id="visits-heading"') :]
    assert "Visits, newest first" in section
    assert section.index("19 November 2026") < section.index("5 November 2026")
    assert url("visit_new", ref) in section
    iro_page = signed_in(Role.IRO).get(case_url(ref)).content.decode()
    assert url("visit_new", ref) not in iro_page


def _case_page_queries(client, ref) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case_url(ref)).status_code == 200
    return len(queries)


def test_the_partials_add_no_query_per_row(signed_in, make_user) -> None:
    """The protection, CIN and visits sections read what the case view loaded: more visits and
    core groups cost no more queries."""
    worker, _manager, ref, plan = on_plan(make_user(Role.IRO))
    client = signed_in(Role.TEAM_MANAGER)
    visit_record(
        actor=worker, referral=ref, kind=VisitKind.CP, visited_on=date(2026, 11, 5), child_seen=False
    )
    core_group_record(actor=worker, plan=plan, held_on=date(2026, 11, 6))
    _case_page_queries(client, ref)  # warm the session and caches
    one = _case_page_queries(client, ref)
    for n in range(5):
        visit_record(
            actor=worker, referral=ref, kind=VisitKind.CP, visited_on=date(2026, 11, 10 + n), child_seen=True
        )
        core_group_record(actor=worker, plan=plan, held_on=date(2026, 11, 10 + n))
    assert _case_page_queries(client, ref) == one
