"""Child in need plan pages (issue 5): start, review, end; who may use them; errors at the fields;
a stale plan version shown as a conflict (R49); the case page's CIN section."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from safehub.accounts.constants import Role
from safehub.child_protection.models import ChildInNeedPlan, CinPlanReview
from safehub.child_protection.services.plan import cin_plan_review_record, cin_plan_start
from safehub.child_protection.tests.services.referral_cases import child, referral, staff
from safehub.people.tests.factories import restrict

from .protection_cases import NOW, case_url, day, on_plan, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _case():
    worker, _manager = staff()
    return worker, referral(worker, child())


def _plan(worker, ref):
    return cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 11, 9), summary="Synthetic plan.")


def test_social_worker_starts_a_cin_plan(signed_in) -> None:
    _worker, ref = _case()
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("cin_plan_start", ref)).status_code == 200
    response = client.post(
        url("cin_plan_start", ref), {**day(date(2026, 11, 9), "started_on"), "summary": "Synthetic plan."}
    )
    assert response.status_code == 302
    assert response["Location"] == case_url(ref)
    plan = ChildInNeedPlan.objects.get(referral=ref)
    assert (plan.started_on, plan.summary) == (date(2026, 11, 9), "Synthetic plan.")


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_SOCIAL_WORKER, Role.REFERRER, Role.MASH_PARTNER])
def test_roles_without_record_casework_may_not_use_cin_pages(signed_in, role) -> None:
    """R18: CIN plans are casework (record_casework); an IRO chairs but does not record them."""
    worker, ref = _case()
    plan = _plan(worker, ref)
    client = signed_in(role)
    assert client.get(url("cin_plan_start", ref)).status_code == 403
    assert client.get(url("cin_plan_review", plan)).status_code == 403
    assert client.post(url("cin_plan_review", plan), day(date(2026, 11, 20), "held_on")).status_code == 403
    assert client.get(url("cin_plan_end", plan)).status_code == 403
    assert not CinPlanReview.objects.exists()


def test_restricted_child_is_not_found(signed_in) -> None:
    """R19: an ungranted social worker gets a 404 for a restricted child's plan."""
    worker, ref = _case()
    plan = _plan(worker, ref)
    restrict(ref.person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("cin_plan_start", ref)).status_code == 404
    assert client.get(url("cin_plan_review", plan)).status_code == 404
    assert client.post(url("cin_plan_end", plan), {"version": plan.version}).status_code == 404


def test_start_date_is_needed_at_the_field(signed_in) -> None:
    _worker, ref = _case()
    response = signed_in(Role.SOCIAL_WORKER).post(url("cin_plan_start", ref), {"summary": "Synthetic."})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_started_on"' in page
    assert 'id="id_started_on-error"' in page
    assert not ChildInNeedPlan.objects.exists()


def test_no_cin_plan_alongside_a_cp_plan(signed_in, make_user) -> None:
    """CIN census 4016: the service's refusal is shown, nothing written."""
    _worker, _manager, ref, _cp = on_plan(make_user(Role.IRO))
    response = signed_in(Role.SOCIAL_WORKER).post(
        url("cin_plan_start", ref), day(date(2026, 11, 20), "started_on")
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not ChildInNeedPlan.objects.exists()


def test_review_is_recorded(signed_in) -> None:
    worker, ref = _case()
    plan = _plan(worker, ref)
    response = signed_in(Role.SOCIAL_WORKER).post(
        url("cin_plan_review", plan), {**day(date(2026, 11, 20), "held_on"), "notes": "Synthetic review."}
    )
    assert response.status_code == 302
    assert CinPlanReview.objects.get(plan=plan).held_on == date(2026, 11, 20)


def test_review_before_the_plan_is_refused_at_the_field(signed_in) -> None:
    worker, ref = _case()
    plan = _plan(worker, ref)
    response = signed_in(Role.SOCIAL_WORKER).post(
        url("cin_plan_review", plan), day(date(2026, 11, 2), "held_on")
    )
    assert response.status_code == 200
    assert 'id="id_held_on-error"' in response.content.decode()
    assert not CinPlanReview.objects.exists()


def test_plan_is_ended(signed_in) -> None:
    worker, ref = _case()
    plan = _plan(worker, ref)
    response = signed_in(Role.TEAM_MANAGER).post(
        url("cin_plan_end", plan), {**day(date(2026, 11, 25), "ended_on"), "version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.ended_on == date(2026, 11, 25)


def test_end_date_in_the_future_is_refused_at_the_field(signed_in) -> None:
    worker, ref = _case()
    plan = _plan(worker, ref)
    response = signed_in(Role.SOCIAL_WORKER).post(
        url("cin_plan_end", plan), {**day(date(2026, 12, 25), "ended_on"), "version": plan.version}
    )
    assert response.status_code == 200
    assert 'id="id_ended_on-error"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.ended_on is None


def test_two_workers_ending_the_same_plan_the_second_is_refused(make_user) -> None:
    """R49: both load the end form on version v; the first saves; the second is told the plan has
    ended, and the first's end date stands (no lost update)."""
    worker, ref = _case()
    plan = _plan(worker, ref)
    first = make_user(Role.SOCIAL_WORKER, full_name="Casey Firstworker")
    second = make_user(Role.TEAM_MANAGER)
    first_client, second_client = Client(), Client()
    first_client.force_login(first)
    second_client.force_login(second)
    version = plan.version
    assert f'name="version" value="{version}"' in first_client.get(url("cin_plan_end", plan)).content.decode()
    assert (
        f'name="version" value="{version}"' in second_client.get(url("cin_plan_end", plan)).content.decode()
    )
    ok = first_client.post(
        url("cin_plan_end", plan), {**day(date(2026, 11, 24), "ended_on"), "version": version}
    )
    assert ok.status_code == 302
    late = second_client.post(
        url("cin_plan_end", plan), {**day(date(2026, 11, 25), "ended_on"), "version": version}
    )
    page = late.content.decode()
    assert late.status_code == 200
    assert "The child in need plan ended on 24 November 2026" in page
    plan.refresh_from_db()
    assert plan.ended_on == date(2026, 11, 24)


def test_case_page_lists_cin_plans_and_reviews_with_actions(signed_in) -> None:
    worker, ref = _case()
    plan = _plan(worker, ref)
    cin_plan_review_record(
        actor=worker, plan=plan, held_on=date(2026, 11, 20), notes="Synthetic review notes."
    )
    page = signed_in(Role.SOCIAL_WORKER).get(case_url(ref)).content.decode()
    assert "Child in need plans" in page
    assert "9 November 2026" in page
    assert "20 November 2026" in page
    assert url("cin_plan_review", plan) in page
    assert url("cin_plan_end", plan) in page
    assert url("cin_plan_start", ref) not in page  # one open CIN plan at a time


def test_case_page_offers_a_cin_plan_when_none_is_open(signed_in) -> None:
    _worker, ref = _case()
    page = signed_in(Role.SOCIAL_WORKER).get(case_url(ref)).content.decode()
    assert url("cin_plan_start", ref) in page
    iro_page = signed_in(Role.IRO).get(case_url(ref)).content.decode()
    assert url("cin_plan_start", ref) not in iro_page
