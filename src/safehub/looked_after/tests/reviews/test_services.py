"""Reviews, visits and health: each service's happy path and refusals, the clock each moves, the
audit trail (R28), and the 903 OC2 flags."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.looked_after.constants import Clock, HealthCheckKind
from safehub.looked_after.models import LookedAfterReview, Placement, PlacementVisit
from safehub.looked_after.selectors.care_record import oc2_summary
from safehub.looked_after.services.health import (
    conviction_record,
    health_check_record,
    sdq_record,
    substance_misuse_record,
)
from safehub.looked_after.services.review import review_record, visit_record
from safehub.looked_after.tests.factories import PlacementFactory
from safehub.people.tests.factories import restrict
from safehub.platform.errors import NotFoundOrForbidden

from .cases import ENTRY, NOW, care_period, open_tasks, task_history, users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- reviews -------------------------------------------------------------------------------------


def test_iro_records_a_review_audited_and_the_period_version_bumped() -> None:
    """R28, R49."""
    _, _, iro = users()
    period = care_period()
    version = period.version
    review = review_record(
        actor=iro, period=period, held_on=date(2026, 2, 20), participation="PN1", chair=iro, summary=" ok "
    )
    assert (review.chair, review.summary) == (iro, "ok")
    period.refresh_from_db()
    assert period.version == version + 1
    assert AuditEvent.objects.filter(object_id=str(review.pk), verb="create", section="la_review").exists()


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (date(2026, 2, 1), "cannot be before the child became looked after on 2 February 2026"),
        (date(2026, 6, 16), "cannot be in the future"),
        (None, "Enter the date of the review."),
    ],
)
def test_review_date_refusals(held_on, message) -> None:
    _, manager, _ = users()
    with pytest.raises(ValidationError) as excinfo:
        review_record(actor=manager, period=care_period(), held_on=held_on, participation="PN1")
    assert any(message in m for m in _errors(excinfo)["held_on"])
    assert not LookedAfterReview.objects.exists()


def test_review_after_the_period_ended_is_refused() -> None:
    _, manager, _ = users()
    period = care_period(ended_on=date(2026, 4, 30))
    with pytest.raises(ValidationError) as excinfo:
        review_record(actor=manager, period=period, held_on=date(2026, 5, 1), participation="PN1")
    assert "stopped being looked after on 30 April 2026" in _errors(excinfo)["held_on"][0]


def test_participation_must_be_a_903_code_and_pn0_only_under_4() -> None:
    _, manager, _ = users()
    with pytest.raises(ValidationError) as excinfo:
        review_record(actor=manager, period=care_period(), held_on=date(2026, 3, 1), participation="PN9")
    assert _errors(excinfo)["participation"] == ["Choose a child's participation from the list."]
    older = care_period(born=date(2022, 3, 1))  # 4 on 1 March 2026
    with pytest.raises(ValidationError) as excinfo:
        review_record(actor=manager, period=older, held_on=date(2026, 3, 1), participation="PN0")
    assert "the child was 4 on 1 March 2026" in _errors(excinfo)["participation"][0]
    younger = care_period(born=date(2022, 3, 2))
    review_record(actor=manager, period=younger, held_on=date(2026, 3, 1), participation="PN0")


def test_one_review_a_day_and_chair_must_be_iro_or_manager() -> None:
    worker, manager, _ = users()
    period = care_period()
    review_record(actor=manager, period=period, held_on=date(2026, 3, 1), participation="PN1")
    with pytest.raises(ValidationError) as excinfo:
        review_record(
            actor=manager, period=period, held_on=date(2026, 3, 1), participation="PN1", chair=worker
        )
    assert _errors(excinfo)["held_on"] == ["A review on 1 March 2026 is already recorded."]
    assert "independent reviewing officer or a manager" in _errors(excinfo)["chair"][0]


def test_a_social_worker_cannot_record_a_review_and_a_hidden_child_is_not_found() -> None:
    """R18, R19: both are the one NotFoundOrForbidden."""
    worker, manager, _ = users()
    period = care_period()
    with pytest.raises(NotFoundOrForbidden):
        review_record(actor=worker, period=period, held_on=date(2026, 3, 1), participation="PN1")
    restrict(period.person)
    with pytest.raises(NotFoundOrForbidden):
        review_record(actor=manager, period=period, held_on=date(2026, 3, 1), participation="PN1")


def test_reviews_move_the_clock_first_then_three_then_six_months() -> None:
    _, manager, _ = users()
    period = care_period()
    review_record(actor=manager, period=period, held_on=date(2026, 2, 20), participation="PN1")
    assert open_tasks(period)[Clock.REVIEW] == date(2026, 5, 20)
    review_record(actor=manager, period=period, held_on=date(2026, 5, 11), participation="PN5")
    assert open_tasks(period)[Clock.REVIEW] == date(2026, 11, 11)


def test_a_late_entry_before_the_last_review_does_not_tick_off_the_next() -> None:
    _, manager, _ = users()
    period = care_period()
    review_record(actor=manager, period=period, held_on=date(2026, 5, 11), participation="PN1")
    review_record(actor=manager, period=period, held_on=date(2026, 2, 20), participation="PN1")
    assert [s for s, _d, _c in task_history(period, Clock.REVIEW)] == [TaskStatus.DONE, TaskStatus.OPEN]
    assert open_tasks(period)[Clock.REVIEW] == date(2026, 11, 11)


# --- visits --------------------------------------------------------------------------------------


def test_visit_attaches_the_placement_of_the_day_and_moves_the_clock() -> None:
    worker, _, _ = users()
    period = care_period()
    first = period.placements.get()
    first.ended_on, first.end_reason = date(2026, 4, 1), "CARPL"
    first.save()
    second = PlacementFactory(period=period, started_on=date(2026, 4, 1))
    old = visit_record(actor=worker, period=period, visited_on=date(2026, 3, 31), child_seen=True)
    same_day = visit_record(
        actor=worker, period=period, visited_on=date(2026, 4, 1), child_seen=True, seen_alone=True
    )
    assert (old.placement, same_day.placement) == (first, second)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 5, 13)


def test_visit_where_the_child_was_not_seen_does_not_satisfy_the_clock() -> None:
    worker, _, _ = users()
    period = care_period()
    visit_record(actor=worker, period=period, visited_on=date(2026, 2, 5), child_seen=False)
    assert open_tasks(period)[Clock.VISIT] == date(2026, 2, 9)


def test_visit_refusals() -> None:
    worker, _, iro = users()
    period = care_period()
    with pytest.raises(ValidationError) as excinfo:
        visit_record(
            actor=worker,
            period=period,
            visited_on=date(2026, 1, 30),
            child_seen=False,
            seen_alone=True,
            bedroom_seen=True,
        )
    errors = _errors(excinfo)
    assert "before the child became looked after" in errors["visited_on"][0]
    assert set(errors) == {"visited_on", "seen_alone", "bedroom_seen"}
    Placement.objects.filter(period=period).update(started_on=date(2026, 2, 10))
    with pytest.raises(ValidationError) as excinfo:
        visit_record(actor=worker, period=period, visited_on=date(2026, 2, 5), child_seen=True)
    assert _errors(excinfo)["visited_on"] == [
        "The date of the visit cannot be before the placement started on 10 February 2026."
    ]
    with pytest.raises(NotFoundOrForbidden):
        visit_record(actor=iro, period=period, visited_on=date(2026, 2, 12), child_seen=True)
    assert not PlacementVisit.objects.exists()


# --- health --------------------------------------------------------------------------------------


def test_health_assessments_and_dental_checks_move_their_clocks() -> None:
    worker, _, _ = users()
    period = care_period(born=date(2023, 1, 1))
    health_check_record(
        actor=worker, period=period, kind=HealthCheckKind.INITIAL_HEALTH_ASSESSMENT, done_on=date(2026, 2, 20)
    )
    assert open_tasks(period)[Clock.HEALTH_ASSESSMENT] == date(2026, 8, 20)  # under 5: 6 months
    health_check_record(actor=worker, period=period, kind=HealthCheckKind.DENTAL, done_on=date(2026, 3, 3))
    assert open_tasks(period)[Clock.DENTAL] == date(2027, 3, 3)
    assert task_history(period, Clock.DENTAL)[0] == (TaskStatus.DONE, date(2027, 2, 2), date(2026, 3, 3))


def test_health_check_refusals() -> None:
    worker, _, _ = users()
    period = care_period()
    health_check_record(
        actor=worker, period=period, kind=HealthCheckKind.INITIAL_HEALTH_ASSESSMENT, done_on=date(2026, 2, 20)
    )
    with pytest.raises(ValidationError) as excinfo:
        health_check_record(
            actor=worker,
            period=period,
            kind=HealthCheckKind.INITIAL_HEALTH_ASSESSMENT,
            done_on=date(2026, 3, 1),
        )
    assert "record this one as a review health assessment" in _errors(excinfo)["kind"][0]
    with pytest.raises(ValidationError) as excinfo:
        health_check_record(
            actor=worker,
            period=period,
            kind=HealthCheckKind.REVIEW_HEALTH_ASSESSMENT,
            done_on=date(2026, 2, 10),
        )
    assert "before the initial health assessment on 20 February 2026" in _errors(excinfo)["done_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        health_check_record(actor=worker, period=period, kind="xray", done_on=None)
    assert set(_errors(excinfo)) == {"kind", "done_on"}


@pytest.mark.parametrize(
    ("score", "reason", "field"),
    [
        (None, "", "score"),
        (41, "", "score"),
        (12, "SDQ1", "reason"),
        (None, "SDQ9", "reason"),
    ],
)
def test_sdq_refusals(score, reason, field) -> None:
    worker, _, _ = users()
    with pytest.raises(ValidationError) as excinfo:
        sdq_record(
            actor=worker, period=care_period(), recorded_on=date(2026, 3, 1), score=score, reason=reason
        )
    assert field in _errors(excinfo)


def test_sdq_score_or_reason_recorded() -> None:
    worker, _, _ = users()
    period = care_period()
    assert sdq_record(actor=worker, period=period, recorded_on=date(2026, 3, 1), score=0).score == 0
    assert (
        sdq_record(actor=worker, period=period, recorded_on=date(2026, 4, 1), reason="SDQ5").reason == "SDQ5"
    )


def test_substance_misuse_received_needs_offered_and_conviction_dates() -> None:
    worker, _, _ = users()
    period = care_period()
    with pytest.raises(ValidationError) as excinfo:
        substance_misuse_record(
            actor=worker,
            period=period,
            identified_on=date(2026, 3, 1),
            intervention_offered=False,
            intervention_received=True,
        )
    assert "only have been received if it was offered" in _errors(excinfo)["intervention_received"][0]
    substance_misuse_record(
        actor=worker,
        period=period,
        identified_on=date(2026, 3, 1),
        intervention_offered=True,
        intervention_received=True,
    )
    with pytest.raises(ValidationError) as excinfo:
        conviction_record(actor=worker, period=period, convicted_on=date(2026, 7, 1))
    assert _errors(excinfo)["convicted_on"] == ["The date of the conviction cannot be in the future."]
    assert conviction_record(actor=worker, period=period, convicted_on=date(2026, 5, 1)).notes == ""


def test_oc2_summary_counts_the_twelve_months_to_the_year_end() -> None:
    worker, _, _ = users()
    period = care_period(started_on=date(2025, 1, 6))
    for kind, day in [
        (HealthCheckKind.INITIAL_HEALTH_ASSESSMENT, date(2025, 2, 1)),  # before the year: not counted
        (HealthCheckKind.DENTAL, date(2025, 4, 1)),  # first day of the year
        (HealthCheckKind.IMMUNISATIONS, date(2026, 3, 31)),  # last day
        (HealthCheckKind.REVIEW_HEALTH_ASSESSMENT, date(2026, 4, 1)),  # after: not counted
    ]:
        health_check_record(actor=worker, period=period, kind=kind, done_on=day)
    sdq_record(actor=worker, period=period, recorded_on=date(2025, 6, 1), score=14)
    sdq_record(actor=worker, period=period, recorded_on=date(2025, 9, 1), score=17)
    substance_misuse_record(
        actor=worker,
        period=period,
        identified_on=date(2025, 5, 1),
        intervention_offered=True,
        intervention_received=False,
    )
    assert oc2_summary(period, date(2026, 3, 31)) == {
        "CONVICTED": 0,
        "HEALTH_CHECK": 0,
        "IMMUNISATIONS": 1,
        "TEETH_CHECK": 1,
        "HEALTH_ASSESSMENT": 0,
        "SUBSTANCE_MISUSE": 1,
        "INTERVENTION_RECEIVED": 0,
        "INTERVENTION_OFFERED": 1,
        "SDQ_SCORE": 17,
        "SDQ_REASON": "",
    }


def test_manager_may_record_reviews_but_other_roles_may_not() -> None:
    period = care_period()
    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST)
    with pytest.raises(NotFoundOrForbidden):
        review_record(actor=analyst, period=period, held_on=ENTRY, participation="PN1")
