"""The clocks on the task lists: opening, moving on when done, cancelling when the child leaves
care, and recomputing over a calendar change in a fixed number of queries (R52)."""

from datetime import date
from typing import Any

import pytest
import time_machine

from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.looked_after.clocks import clocks_recompute_all, period_clocks_sync, period_clocks_sync_many
from safehub.looked_after.constants import Clock
from safehub.looked_after.models import LookedAfterPeriod, MissingEpisode
from safehub.looked_after.services.review import review_record
from safehub.looked_after.tests.reviews.cases import NOW, care_period, open_tasks, task_history, users
from safehub.platform.models import LocalClosure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_entry_opens_review_health_and_visit_clocks_for_the_allocated_worker() -> None:
    worker, _, _ = users()
    period = care_period(worker=worker)
    assert open_tasks(period) == {
        Clock.REVIEW: date(2026, 3, 2),
        Clock.HEALTH_ASSESSMENT: date(2026, 3, 2),
        Clock.VISIT: date(2026, 2, 9),
        Clock.DENTAL: date(2027, 2, 2),
    }
    assert set(Task.objects.values_list("assigned_to", flat=True)) == {worker.pk}


def test_a_review_done_closes_its_task_and_opens_the_next() -> None:
    _, manager, _ = users()
    period = care_period()
    review_record(actor=manager, period=period, held_on=date(2026, 2, 25), participation="PN1")
    assert task_history(period, Clock.REVIEW) == [
        (TaskStatus.DONE, date(2026, 3, 2), date(2026, 2, 25)),
        (TaskStatus.OPEN, date(2026, 5, 25), None),
    ]


def test_leaving_care_cancels_every_clock_with_the_reason() -> None:
    period = care_period()
    period.ended_on, period.end_reason = date(2026, 6, 1), "E13"
    period.save()
    period_clocks_sync(period=period)
    assert open_tasks(period) == {}
    assert set(Task.objects.values_list("status", "cancelled_reason")) == {
        (TaskStatus.CANCELLED, "The child left care.")
    }


def test_return_interview_opens_on_return_and_closes_when_offered() -> None:
    worker, _, _ = users()
    period = care_period()
    episode = MissingEpisode.objects.create(
        period=period, kind="M", started_on=date(2026, 6, 1), ended_on=date(2026, 6, 2), recorded_by=worker
    )
    period_clocks_sync(period=period)
    assert open_tasks(period)[Clock.RETURN_INTERVIEW] == date(2026, 6, 5)
    episode.interview_offered_on = date(2026, 6, 3)
    episode.save()
    period_clocks_sync(period=period, done={Clock.RETURN_INTERVIEW: date(2026, 6, 3)}, done_by=worker)
    assert Clock.RETURN_INTERVIEW not in open_tasks(period)
    assert task_history(period, Clock.RETURN_INTERVIEW) == [
        (TaskStatus.DONE, date(2026, 6, 5), date(2026, 6, 3))
    ]


def test_a_local_closure_moves_the_working_day_clocks_on_recompute() -> None:
    """R52: a council closure inside the first 20 working days pushes the first review and the
    initial health assessment one working day; the calendar-day clocks stay put."""
    period = care_period()
    LocalClosure.objects.create(date=date(2026, 2, 10), kind=LocalClosure.Kind.CLOSURE, reason="Synthetic")
    assert clocks_recompute_all() == 1
    tasks = open_tasks(period)
    assert tasks[Clock.REVIEW] == date(2026, 3, 3)
    assert tasks[Clock.HEALTH_ASSESSMENT] == date(2026, 3, 3)
    assert tasks[Clock.VISIT] == date(2026, 2, 9)


def test_recompute_skips_closed_periods_and_its_queries_do_not_grow_with_rows(
    django_assert_num_queries,
) -> None:
    """The period's rows come from one prefetch each: five reviews and visits cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker, manager, _ = users()
    period = care_period()
    care_period(ended_on=date(2026, 5, 1))
    clocks_recompute_all()
    with CaptureQueriesContext(connection) as bare:
        assert clocks_recompute_all() == 1
    for day in (3, 4, 5, 6, 9):
        review_record(actor=manager, period=period, held_on=date(2026, 3, day), participation="PN1")
        MissingEpisode.objects.create(
            period=period,
            kind="A",
            started_on=date(2026, 3, day),
            ended_on=date(2026, 3, day),
            recorded_by=worker,
        )
    clocks_recompute_all()
    with django_assert_num_queries(len(bare.captured_queries)):
        assert clocks_recompute_all() == 1


def test_sync_many_matches_a_sync_per_period_and_cancels_an_ended_periods_clocks(
    django_assert_max_num_queries: Any,
) -> None:
    """The SSD import's form: open periods get the tasks a sync of each gives, in a fixed number of
    queries; a period a re-run has ended has its clocks cancelled with the reason."""
    synced, in_bulk = care_period(), care_period()
    expected = open_tasks(synced)
    Task.objects.filter(involvement=in_bulk.involvement).delete()
    ended = care_period()
    LookedAfterPeriod.objects.filter(pk=ended.pk).update(ended_on=date(2026, 6, 1), end_reason="E13")
    with django_assert_max_num_queries(15):
        assert period_clocks_sync_many([in_bulk.pk, ended.pk]) == 2
    assert open_tasks(in_bulk) == expected
    assert open_tasks(ended) == {}
    assert set(
        Task.objects.filter(involvement=ended.involvement).values_list("status", "cancelled_reason")
    ) == {(TaskStatus.CANCELLED, "The child left care.")}
