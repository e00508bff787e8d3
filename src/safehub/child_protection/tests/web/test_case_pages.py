"""The case list and the case page (issue 5): who may see them, what they show, and a fixed number
of queries however many rows a case or the list holds."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.casework.models import Allocation
from safehub.casework.services.involvement import allocation_change
from safehub.casework.tests.factories import team_with
from safehub.child_protection.constants import VisitKind
from safehub.child_protection.services.plan import visit_record
from safehub.child_protection.tests.services.referral_cases import (
    NOW,
    child,
    completed,
    referral,
    staff,
    started,
    strategy,
)
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db

LIST = reverse("child_protection:case_list")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def case_url(ref) -> str:
    return reverse("child_protection:case", args=[ref.pk])


# --- who may see them (R18, R19) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO, Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER]
)
def test_case_roles_see_the_list_and_the_case(signed_in, role) -> None:
    """R18: every role with view_cases opens the list and the case page."""
    worker, _manager = staff()
    ref = referral(worker, child(given_name="Ada", family_name="Testchild"))
    client = signed_in(role)
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert "Ada Testchild" in listing.content.decode()
    page = client.get(case_url(ref))
    assert page.status_code == 200
    assert "Ada Testchild" in page.content.decode()


@pytest.mark.parametrize("role", [Role.REFERRER, Role.MASH_PARTNER, Role.EARLY_HELP, Role.SYSADMIN])
def test_other_roles_may_not_see_cases(signed_in, role) -> None:
    """R18: no view_cases capability, a 403 on the list and the case."""
    worker, _manager = staff()
    ref = referral(worker)
    client = signed_in(role)
    assert client.get(LIST).status_code == 403
    assert client.get(case_url(ref)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    assert client.get(case_url(ref)).status_code == 302
    assert client.get(LIST).status_code == 302


def test_a_restricted_childs_case_is_hidden_from_an_ungranted_worker(signed_in) -> None:
    """R19: a restricted child's case is a 404 (not a 403) and missing from the list."""
    worker, _manager = staff()
    person = child(given_name="Hidden", family_name="Testchild")
    ref = referral(worker, person)
    restrict(person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(case_url(ref)).status_code == 404
    assert "Hidden Testchild" not in client.get(LIST).content.decode()


def test_an_unknown_case_is_a_404(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert (
        client.get(
            reverse("child_protection:case", args=["0" * 8 + "-0000-4000-8000-" + "0" * 12])
        ).status_code
        == 404
    )


# --- what the case page shows -----------------------------------------------------------------------


def test_the_case_page_shows_the_child_stage_tasks_and_sections(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker, child(given_name="Bea", family_name="Testchild", date_of_birth=date(2018, 5, 1)))
    started(worker, ref)
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.get(case_url(ref)).content.decode()
    assert "1 May 2018" in page
    assert "(age 8)" in page
    assert "Stage: </span>Assessment" in page
    # The assessment clock: 45 working days from 1 October 2026 is 3 December.
    assert "Complete the child and family assessment" in page
    assert "3 December 2026" in page
    assert "Due in 5 working days" in page
    assert "Strategy discussions and section 47 enquiries" in page
    assert reverse("people:detail", args=[ref.person_id]) in page
    # A worker may record: the assessment links show; a manager's do not.
    assert reverse("child_protection:assessment_complete", args=[ref.assessments.get().pk]) in page
    assert reverse("child_protection:referral_close", args=[ref.pk]) not in page


def test_the_case_page_says_unborn_and_not_allocated(signed_in) -> None:
    worker, _manager = staff()
    person = child(date_of_birth=None, expected_date_of_birth=date(2027, 2, 14))
    ref = referral(worker, person, referral_date=date(2026, 11, 2))
    Allocation.objects.filter(involvement=ref.involvement).delete()
    page = signed_in(Role.TEAM_MANAGER).get(case_url(ref)).content.decode()
    assert "Unborn, expected 14 February 2027" in page
    assert "Not allocated" in page
    # A manager may close the case.
    assert reverse("child_protection:referral_close", args=[ref.pk]) in page


def test_viewing_a_case_is_audited(signed_in) -> None:
    """R27: opening the case page writes one view event on the referral."""
    worker, _manager = staff()
    ref = referral(worker)
    client = signed_in(Role.SOCIAL_WORKER)
    client.get(case_url(ref))
    events = AuditEvent.objects.filter(verb=Verb.VIEW, object_id=str(ref.pk), actor=client.user)
    assert events.count() == 1
    assert events.get().section == "case"


def test_the_case_page_shows_discussions_and_enquiries(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    strategy(worker, ref)
    page = signed_in(Role.SOCIAL_WORKER).get(case_url(ref)).content.decode()
    assert "Strategy discussion on 12 October 2026" in page
    assert "DC Testperson, Northshire Police (Detective)" in page
    assert "Started 12 October 2026" in page
    assert reverse("child_protection:section47_complete", args=[ref.section47_enquiries.get().pk]) in page


# --- the list ----------------------------------------------------------------------------------------


def test_the_list_filters_by_stage_and_mine(client) -> None:
    team, (worker, manager) = team_with(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
    mine = referral(worker, child(given_name="Mine", family_name="Testchild"))
    theirs = referral(worker, child(given_name="Theirs", family_name="Testchild"))
    started(worker, theirs)
    allocation_change(actor=manager, involvement=mine.involvement, team=team, worker=worker)
    client.force_login(worker)

    def page(query: dict[str, str]) -> str:
        return client.get(LIST, query).content.decode()

    everything = page({})
    assert "Mine Testchild" in everything
    assert "Theirs Testchild" in everything
    only_mine = page({"mine": "on"})
    assert "Mine Testchild" in only_mine
    assert "Theirs Testchild" not in only_mine
    assessing = page({"stage": "assessment"})
    assert "Theirs Testchild" in assessing
    assert "Mine Testchild" not in assessing
    assert "Not allocated" in page({"stage": "assessment"})


def _cases(n: int, worker) -> None:
    for i in range(n):
        referral(worker, child(given_name=f"Child{i}", family_name="Testchild"))


def _visits(worker, ref, n: int) -> None:
    for i in range(n):
        visit_record(
            actor=worker,
            referral=ref,
            kind=VisitKind.ASSESSMENT,
            visited_on=date(2026, 10, 2 + (i % 20)),
            child_seen=True,
            seen_alone=True,
            bedroom_seen=False,
            notes="Synthetic visit.",
        )


def _queries(client, url: str) -> int:
    """Queries for one page load, after a first load has warmed the session and caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_reads_a_fixed_number_of_queries(signed_in, django_assert_max_num_queries) -> None:
    """Query count on the list: 1 case or 20, the same number (no query per row)."""
    worker, _manager = staff()
    client = signed_in(Role.SOCIAL_WORKER)
    _cases(1, worker)
    one = _queries(client, LIST)
    _cases(19, worker)
    with django_assert_max_num_queries(one):
        page = client.get(LIST).content.decode()
    assert page.count("Testchild") == 20


def test_the_case_page_reads_a_fixed_number_of_queries(signed_in, django_assert_max_num_queries) -> None:
    """Query count on the case page: 1 visit or 20, 1 discussion or 3, the same number."""
    worker, _manager = staff()
    client = signed_in(Role.SOCIAL_WORKER)
    ref = referral(worker)
    completed(worker, ref)
    strategy(worker, ref, decision="continue")
    _visits(worker, ref, 1)
    one = _queries(client, case_url(ref))
    _visits(worker, ref, 19)
    strategy(worker, ref, held_on=date(2026, 10, 14), decision="continue")
    strategy(worker, ref, held_on=date(2026, 10, 15), decision="continue")
    with django_assert_max_num_queries(one):
        assert client.get(case_url(ref)).status_code == 200
