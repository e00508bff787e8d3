"""Conference, child protection plan and core group pages (issue 5): who may use them, what the
forms offer, errors at the fields with nothing written, and stale versions shown as conflicts."""

from datetime import date

import pytest
import time_machine

from safehub.accounts.constants import Role
from safehub.child_protection.constants import ConferenceDecision, ConferenceKind, PlanEndReason
from safehub.child_protection.models import ChildProtectionPlan, Conference, CoreGroupMeeting
from safehub.child_protection.services.conference import conference_record, conference_schedule
from safehub.child_protection.tests.services.referral_cases import child, referral, staff
from safehub.people.tests.factories import restrict

from .protection_cases import CATEGORY, NOW, case_url, cp_case, day, initial_conference, on_plan, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _record_plan(**extra):
    return {
        **day(date(2026, 11, 2), "held_on"),
        "decision": ConferenceDecision.PLAN,
        "category": CATEGORY,
        "quorate": "yes",
        "summary": "Synthetic: plan agreed.",
        **extra,
    }


# --- who may use the pages (R18, R19) -------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.IRO, Role.TEAM_MANAGER])
def test_chairs_may_open_the_conference_pages(signed_in, role) -> None:
    """R18: an IRO (chair_conferences) or a team manager (manage_cases) chairs."""
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    client = signed_in(role)
    for name in ("conference_schedule", "conference_record"):
        assert client.get(url(name, conference)).status_code == 200
    assert client.get(url("transfer_in", ref)).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.MASH_SOCIAL_WORKER, Role.REFERRER, Role.MASH_PARTNER, Role.SYSADMIN]
)
def test_others_may_not_record_conferences(signed_in, role) -> None:
    """R18: a social worker records casework but does not chair; referrers and partners see nothing."""
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    client = signed_in(role)
    assert client.get(url("conference_record", conference)).status_code == 403
    assert client.post(url("conference_record", conference), _record_plan(version=1)).status_code == 403
    assert client.get(url("conference_schedule", conference)).status_code == 403
    assert client.get(url("transfer_in", ref)).status_code == 403
    conference.refresh_from_db()
    assert conference.held_on is None
    assert not ChildProtectionPlan.objects.exists()


def test_anonymous_is_sent_to_sign_in(client) -> None:
    _worker, _manager, ref = cp_case()
    response = client.get(url("conference_record", initial_conference(ref)))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_restricted_childs_conference_is_not_found_for_an_ungranted_iro(signed_in) -> None:
    """R19: a restricted child's records are a 404, the same as a missing id."""
    _worker, _manager, ref = cp_case()
    restrict(ref.person)
    client = signed_in(Role.IRO)
    conference = initial_conference(ref)
    assert client.get(url("conference_record", conference)).status_code == 404
    assert client.post(url("conference_record", conference), _record_plan(version=1)).status_code == 404
    assert client.get(url("transfer_in", ref)).status_code == 404
    assert not ChildProtectionPlan.objects.exists()


def test_an_unknown_conference_is_not_found(signed_in) -> None:
    client = signed_in(Role.IRO)
    assert (
        client.get("/cases/protection/conferences/00000000-0000-0000-0000-000000000000/record/").status_code
        == 404
    )


# --- scheduling and recording ---------------------------------------------------------------------


def test_a_chair_schedules_the_initial_conference(signed_in, make_user) -> None:
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    client = signed_in(Role.TEAM_MANAGER)
    chair = make_user(Role.IRO, full_name="Iris Chairperson")
    page = client.get(url("conference_schedule", conference)).content.decode()
    assert "Iris Chairperson" in page
    response = client.post(
        url("conference_schedule", conference),
        {**day(date(2026, 11, 30), "scheduled_on"), "chair": chair.pk, "version": conference.version},
    )
    assert response.status_code == 302
    assert response["Location"] == case_url(ref)
    conference.refresh_from_db()
    assert (conference.scheduled_on, conference.chair) == (date(2026, 11, 30), chair)


def test_schedule_needs_a_date_at_the_field(signed_in) -> None:
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    response = signed_in(Role.IRO).post(
        url("conference_schedule", conference), {"version": conference.version}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_scheduled_on"' in page
    assert 'id="id_scheduled_on-error"' in page
    conference.refresh_from_db()
    assert conference.scheduled_on is None


def test_initial_conference_offers_only_initial_decisions(signed_in) -> None:
    _worker, _manager, ref = cp_case()
    page = signed_in(Role.IRO).get(url("conference_record", initial_conference(ref))).content.decode()
    assert 'value="plan"' in page
    assert 'value="no_plan"' in page
    assert 'value="continue"' not in page
    assert 'value="end"' not in page
    assert "Physical abuse" in page  # the category list, with labels


def test_iro_records_a_plan_decision_which_starts_the_plan(signed_in) -> None:
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    client = signed_in(Role.IRO)
    response = client.post(
        url("conference_record", conference), _record_plan(chair=client.user.pk, version=conference.version)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == case_url(ref)
    conference.refresh_from_db()
    plan = ChildProtectionPlan.objects.get(referral=ref)
    assert conference.decision == ConferenceDecision.PLAN
    assert conference.quorate is True
    assert conference.plan == plan
    assert (plan.started_on, plan.initial_category, plan.latest_category) == (
        date(2026, 11, 2),
        CATEGORY,
        CATEGORY,
    )
    # The first review is now due, as its own conference row.
    assert Conference.objects.filter(referral=ref, kind=ConferenceKind.REVIEW, held_on__isnull=True).exists()


def test_a_plan_needs_a_category_shown_at_the_field(signed_in) -> None:
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    response = signed_in(Role.IRO).post(
        url("conference_record", conference), _record_plan(category="", version=conference.version)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_category"' in page
    assert 'id="id_category-error"' in page
    conference.refresh_from_db()
    assert conference.held_on is None
    assert not ChildProtectionPlan.objects.exists()


def test_service_refusal_is_shown_at_the_date(signed_in) -> None:
    """A conference before the strategy discussion (12 October) is refused by the service."""
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    response = signed_in(Role.IRO).post(
        url("conference_record", conference),
        {**_record_plan(version=conference.version), **day(date(2026, 10, 5), "held_on")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_held_on-error"' in page
    assert "strategy discussion" in page
    conference.refresh_from_db()
    assert conference.held_on is None
    assert not ChildProtectionPlan.objects.exists()


def test_a_stale_conference_form_shows_who_changed_it(signed_in, make_user) -> None:
    """R49: someone rescheduled the conference after this chair opened the form."""
    _worker, _manager, ref = cp_case()
    conference = initial_conference(ref)
    stale = conference.version
    other = make_user(Role.TEAM_MANAGER, full_name="Morgan Otheruser")
    conference_schedule(
        actor=other, conference=conference, expected_version=stale, scheduled_on=date(2026, 11, 3)
    )
    response = signed_in(Role.IRO).post(url("conference_record", conference), _record_plan(version=stale))
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed by Morgan Otheruser" in page
    conference.refresh_from_db()
    assert conference.held_on is None
    assert f'name="version" value="{conference.version}"' in page


def test_review_conference_offers_continue_or_end(signed_in) -> None:
    client = signed_in(Role.IRO)
    _worker, _manager, ref, _plan = on_plan(client.user)
    review = Conference.objects.get(referral=ref, kind=ConferenceKind.REVIEW)
    page = client.get(url("conference_record", review)).content.decode()
    assert 'value="continue"' in page
    assert 'value="end"' in page
    assert 'value="plan"' not in page
    assert "Latest category of abuse" in page


def test_transfer_in_starts_a_plan(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker, child())
    client = signed_in(Role.IRO)
    response = client.post(url("transfer_in", ref), _record_plan())
    assert response.status_code == 302, response.content.decode()[:2000]
    conference = Conference.objects.get(referral=ref, kind=ConferenceKind.TRANSFER_IN)
    assert conference.decision == ConferenceDecision.PLAN
    assert ChildProtectionPlan.objects.get(referral=ref).initial_category == CATEGORY


# --- ending a plan --------------------------------------------------------------------------------


def test_plan_end_offers_every_reason_but_review(signed_in) -> None:
    client = signed_in(Role.IRO)
    _worker, _manager, _ref, plan = on_plan(client.user)
    page = client.get(url("plan_end", plan)).content.decode()
    assert f'value="{PlanEndReason.MOVED_AWAY}"' in page
    assert f'value="{PlanEndReason.REVIEW_CONFERENCE}"' not in page


def test_chair_ends_a_plan(signed_in) -> None:
    client = signed_in(Role.IRO)
    _worker, _manager, _ref, plan = on_plan(client.user)
    response = client.post(
        url("plan_end", plan),
        {**day(date(2026, 11, 20), "ended_on"), "reason": PlanEndReason.MOVED_AWAY, "version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.ended_on, plan.end_reason) == (date(2026, 11, 20), PlanEndReason.MOVED_AWAY)


def test_social_worker_may_not_end_a_plan(signed_in, make_user) -> None:
    _worker, _manager, _ref, plan = on_plan(make_user(Role.IRO))
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("plan_end", plan)).status_code == 403
    assert client.post(url("plan_end", plan), {"reason": "moved", "version": plan.version}).status_code == 403
    plan.refresh_from_db()
    assert plan.ended_on is None


def test_plan_end_date_before_the_start_is_refused_at_the_field(signed_in) -> None:
    client = signed_in(Role.IRO)
    _worker, _manager, _ref, plan = on_plan(client.user)
    response = client.post(
        url("plan_end", plan),
        {**day(date(2026, 10, 30), "ended_on"), "reason": PlanEndReason.MOVED_AWAY, "version": plan.version},
    )
    assert response.status_code == 200
    assert 'id="id_ended_on-error"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.ended_on is None


def test_concurrent_edit_of_a_plan_shows_the_conflict(signed_in, make_user) -> None:
    """R49: two chairs open the same plan; the review conference changes it first, so the second
    save is refused with who and when, and the plan keeps the first change."""
    chair = make_user(Role.IRO, full_name="Robin Firstchair")
    _worker, _manager, ref, plan = on_plan(chair)
    client = signed_in(Role.IRO)
    stale = client.get(url("plan_end", plan))
    assert f'name="version" value="{plan.version}"' in stale.content.decode()
    review = Conference.objects.get(referral=ref, kind=ConferenceKind.REVIEW)
    conference_record(
        actor=chair,
        conference=review,
        expected_version=review.version,
        held_on=date(2026, 11, 25),
        decision=ConferenceDecision.CONTINUE,
        category="NEG",
    )
    response = client.post(
        url("plan_end", plan),
        {**day(date(2026, 11, 26), "ended_on"), "reason": PlanEndReason.MOVED_AWAY, "version": plan.version},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed by Robin Firstchair" in page
    plan.refresh_from_db()
    assert plan.ended_on is None
    assert plan.latest_category == "NEG"


# --- core groups ----------------------------------------------------------------------------------


def test_social_worker_records_a_core_group(signed_in, make_user) -> None:
    worker_client = signed_in(Role.SOCIAL_WORKER)
    _worker, _manager, ref, plan = on_plan(make_user(Role.IRO))
    response = worker_client.post(
        url("core_group_new", plan), {**day(date(2026, 11, 12), "held_on"), "notes": "Synthetic notes."}
    )
    assert response.status_code == 302
    assert response["Location"] == case_url(ref)
    assert CoreGroupMeeting.objects.get(plan=plan).held_on == date(2026, 11, 12)


def test_core_group_before_the_plan_is_refused_at_the_field(signed_in, make_user) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    _worker, _manager, _ref, plan = on_plan(make_user(Role.IRO))
    response = client.post(url("core_group_new", plan), day(date(2026, 10, 25), "held_on"))
    assert response.status_code == 200
    assert 'id="id_held_on-error"' in response.content.decode()
    assert not CoreGroupMeeting.objects.exists()


def test_iro_may_not_record_a_core_group(signed_in) -> None:
    client = signed_in(Role.IRO)
    _worker, _manager, _ref, plan = on_plan(client.user)
    assert client.get(url("core_group_new", plan)).status_code == 403
    assert client.post(url("core_group_new", plan), day(date(2026, 11, 12), "held_on")).status_code == 403
    assert not CoreGroupMeeting.objects.exists()


# --- the case page's protection section -----------------------------------------------------------


def test_case_page_shows_conferences_and_the_plan_with_the_chairs_actions(signed_in) -> None:
    client = signed_in(Role.IRO)
    _worker, _manager, ref, plan = on_plan(client.user, given_name="Alexa", family_name="Sampleton")
    page = client.get(case_url(ref)).content.decode()
    assert "Conferences and child protection plans" in page
    assert "Initial child protection conference" in page
    assert "Physical abuse" in page
    assert "2 November 2026" in page
    assert url("plan_end", plan) in page
    review = Conference.objects.get(referral=ref, kind=ConferenceKind.REVIEW)
    assert url("conference_record", review) in page
    # An IRO does not record core groups or visits.
    assert url("core_group_new", plan) not in page
    assert 'class="govuk-table__caption' in page


def test_case_page_offers_the_social_worker_core_groups_not_conferences(signed_in, make_user) -> None:
    _worker, _manager, ref, plan = on_plan(make_user(Role.IRO))
    page = signed_in(Role.SOCIAL_WORKER).get(case_url(ref)).content.decode()
    assert url("core_group_new", plan) in page
    assert url("plan_end", plan) not in page
    review = Conference.objects.get(referral=ref, kind=ConferenceKind.REVIEW)
    assert url("conference_record", review) not in page
