"""The assessment pages (issue 5): start, update, complete, authorise or return. Who may use them,
the census rules shown at the field with nothing written, and stale forms as conflicts (R49)."""

from datetime import date

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.child_protection.constants import AssessmentOutcome
from safehub.child_protection.models import Assessment
from safehub.child_protection.services.assessment import assessment_update
from safehub.child_protection.tests.services.referral_cases import (
    NOW,
    child,
    completed,
    referral,
    staff,
    started,
)
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def day(prefix: str, value: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def url(name: str, obj) -> str:
    return reverse(f"child_protection:{name}", args=[obj.pk])


def test_a_worker_starts_an_assessment(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("assessment_start", ref)).status_code == 200
    response = client.post(url("assessment_start", ref), day("started_on", date(2026, 10, 2)))
    assert response.status_code == 302
    assessment = Assessment.objects.get(referral=ref)
    assert assessment.started_on == date(2026, 10, 2)


def test_a_start_before_the_referral_is_refused_at_the_field(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(url("assessment_start", ref), day("started_on", date(2026, 9, 1)))
        .content.decode()
    )
    assert 'href="#id_started_on"' in page
    assert 'id="id_started_on-error"' in page
    assert not Assessment.objects.exists()


def test_the_factors_are_grouped_with_census_labels(signed_in) -> None:
    worker, _manager = staff()
    assessment = started(worker, referral(worker))
    page = signed_in(Role.SOCIAL_WORKER).get(url("assessment_edit", assessment)).content.decode()
    assert "Alcohol misuse" in page  # a group heading
    assert "Concerns about alcohol misuse by the child (1A)" in page
    assert 'value="18B"' in page
    assert 'value="18A"' not in page  # retired from 2024-25 (rules 8945Q, 8950Q)
    assert 'id="id_factors"' in page  # the first box carries the field's id


def test_the_worker_updates_the_assessment(signed_in) -> None:
    worker, _manager = staff()
    assessment = started(worker, referral(worker))
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(
        url("assessment_edit", assessment),
        {
            **day("child_seen_on", date(2026, 10, 5)),
            "factors": ["1B", "3B"],
            "summary": "Synthetic progress.",
            "version": assessment.version,
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert sorted(assessment.factors) == ["1B", "3B"]
    assert assessment.child_seen_on == date(2026, 10, 5)


def test_no_factors_must_stand_alone_at_the_field(signed_in) -> None:
    """CIN census rule 8869, from the service, shown at the factors."""
    worker, _manager = staff()
    assessment = started(worker, referral(worker))
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(
            url("assessment_edit", assessment),
            {"factors": ["21", "1B"], "summary": "", "version": assessment.version},
        )
        .content.decode()
    )
    assert 'href="#id_factors"' in page
    assert 'id="id_factors-error"' in page
    assessment.refresh_from_db()
    assert assessment.factors == []


def test_a_stale_update_is_a_conflict(signed_in) -> None:
    """R49: two workers open the assessment; the second save is refused with who and when."""
    worker, _manager = staff()
    assessment = started(worker, referral(worker))
    stale = assessment.version
    assessment_update(
        actor=worker,
        assessment=assessment,
        expected_version=stale,
        child_seen_on=None,
        factors=["1B"],
        summary="First.",
    )
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(url("assessment_edit", assessment), {"factors": ["2B"], "summary": "Second.", "version": stale})
        .content.decode()
    )
    assert "This assessment was changed by" in page
    assessment.refresh_from_db()
    assert assessment.summary == "First."


def test_the_worker_completes_the_assessment(signed_in) -> None:
    worker, _manager = staff()
    assessment = started(worker, referral(worker))
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("assessment_complete", assessment)).status_code == 200
    response = client.post(
        url("assessment_complete", assessment),
        {
            **day("completed_on", date(2026, 11, 2)),
            **day("child_seen_on", date(2026, 10, 5)),
            "outcome": AssessmentOutcome.CIN_PLAN,
            "factors": ["16A"],
            "summary": "Synthetic.",
            "version": assessment.version,
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_on == date(2026, 11, 2)
    assert assessment.outcome == AssessmentOutcome.CIN_PLAN


def test_completing_needs_an_outcome_and_factors(signed_in) -> None:
    worker, _manager = staff()
    assessment = started(worker, referral(worker))
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(
            url("assessment_complete", assessment),
            {**day("completed_on", date(2026, 11, 2)), "summary": "", "version": assessment.version},
        )
        .content.decode()
    )
    assert 'id="id_outcome-error"' in page
    assessment.refresh_from_db()
    assert assessment.completed_on is None


def test_the_manager_authorises(signed_in) -> None:
    worker, _manager = staff()
    assessment = completed(worker, referral(worker))
    client = signed_in(Role.TEAM_MANAGER)
    page = client.get(url("assessment_authorise", assessment)).content.decode()
    assert "Authorise the assessment" in page
    assert "Return the assessment" in page
    response = client.post(
        url("assessment_authorise", assessment),
        {
            "action": "authorise",
            **day("authorise-authorised_on", date(2026, 11, 5)),
            "authorise-version": assessment.version,
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.authorised_on == date(2026, 11, 5)
    assert assessment.authorised_by == client.user


def test_an_authorisation_before_completion_is_at_the_field(signed_in) -> None:
    worker, _manager = staff()
    assessment = completed(worker, referral(worker))
    page = (
        signed_in(Role.TEAM_MANAGER)
        .post(
            url("assessment_authorise", assessment),
            {
                "action": "authorise",
                **day("authorise-authorised_on", date(2026, 10, 20)),
                "authorise-version": assessment.version,
            },
        )
        .content.decode()
    )
    assert 'id="id_authorise-authorised_on-error"' in page
    assessment.refresh_from_db()
    assert assessment.authorised_on is None


def test_the_manager_returns_it_with_a_reason(signed_in) -> None:
    worker, _manager = staff()
    assessment = completed(worker, referral(worker))
    client = signed_in(Role.TEAM_MANAGER)
    blank = client.post(
        url("assessment_authorise", assessment),
        {"action": "return", "return-reason": "", "return-version": assessment.version},
    ).content.decode()
    assert 'id="id_return-reason-error"' in blank
    response = client.post(
        url("assessment_authorise", assessment),
        {"action": "return", "return-reason": "Speak to the school.", "return-version": assessment.version},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_on is None
    assert assessment.authorised_on is None


def test_a_stale_authorisation_is_a_conflict(signed_in) -> None:
    """R49: the assessment was saved again after the manager opened it."""
    worker, _manager = staff()
    assessment = completed(worker, referral(worker))
    stale = assessment.version
    Assessment.objects.filter(pk=assessment.pk).update(version=F("version") + 1)  # saved meanwhile
    page = (
        signed_in(Role.TEAM_MANAGER)
        .post(
            url("assessment_authorise", assessment),
            {
                "action": "authorise",
                **day("authorise-authorised_on", date(2026, 11, 5)),
                "authorise-version": stale,
            },
        )
        .content.decode()
    )
    assert "This assessment was changed by" in page
    assessment.refresh_from_db()
    assert assessment.authorised_on is None


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_MANAGER, Role.REFERRER, Role.MASH_PARTNER])
def test_only_caseworkers_use_the_assessment_forms(signed_in, role) -> None:
    """R18: record_casework for the worker's forms."""
    worker, _manager = staff()
    ref = referral(worker)
    assessment = started(worker, ref)
    client = signed_in(role)
    assert client.get(url("assessment_start", ref)).status_code == 403
    assert client.get(url("assessment_edit", assessment)).status_code == 403
    assert client.get(url("assessment_complete", assessment)).status_code == 403


def test_a_worker_may_not_authorise(signed_in) -> None:
    """R18: authorising needs manage_cases."""
    worker, _manager = staff()
    assessment = completed(worker, referral(worker))
    assert signed_in(Role.SOCIAL_WORKER).get(url("assessment_authorise", assessment)).status_code == 403


@pytest.mark.parametrize("name", ["assessment_edit", "assessment_complete", "assessment_authorise"])
def test_a_restricted_childs_assessment_is_404(signed_in, name) -> None:
    """R19: the assessment is reached through its referral's policy."""
    worker, _manager = staff()
    person = child()
    assessment = started(worker, referral(worker, person))
    restrict(person)
    assert signed_in(Role.TEAM_MANAGER).get(url(name, assessment)).status_code == 404
    assert signed_in(Role.TEAM_MANAGER).get(url("assessment_start", assessment.referral)).status_code == 404
