"""R49: every write under a period (review, visit, health check, SDQ, substance misuse, conviction)
takes the period's lock and bumps its version. Two at once run one after the other instead of the
second failing on the one-open-task-per-clock index (a 500); a form opened on an older version is
a ConflictError and writes nothing; checks run under the lock, so a duplicate cannot slip past.
"""

import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.looked_after.constants import Clock, HealthCheckKind
from safehub.looked_after.models import (
    Conviction,
    HealthCheck,
    LookedAfterPeriod,
    LookedAfterReview,
    PlacementVisit,
    SdqScore,
    SubstanceMisuse,
)
from safehub.looked_after.services.health import (
    conviction_record,
    health_check_record,
    sdq_record,
    substance_misuse_record,
)
from safehub.looked_after.services.review import review_record, visit_record
from safehub.platform.errors import ConflictError

from .cases import NOW, care_period, users

DAY = date(2026, 3, 2)

# Each write, as (model it creates, call with actor/period/expected_version); the manager may do all.
WRITES: dict[str, tuple[Any, Callable[..., Any]]] = {
    "review": (
        LookedAfterReview,
        lambda **kw: review_record(held_on=DAY, participation="PN1", **kw),
    ),
    "visit": (PlacementVisit, lambda **kw: visit_record(visited_on=DAY, child_seen=True, **kw)),
    "health": (
        HealthCheck,
        lambda **kw: health_check_record(kind=HealthCheckKind.DENTAL, done_on=DAY, **kw),
    ),
    "sdq": (SdqScore, lambda **kw: sdq_record(recorded_on=DAY, score=12, **kw)),
    "substance": (
        SubstanceMisuse,
        lambda **kw: substance_misuse_record(
            identified_on=DAY, intervention_offered=True, intervention_received=False, **kw
        ),
    ),
    "conviction": (Conviction, lambda **kw: conviction_record(convicted_on=DAY, **kw)),
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_bumps_the_period_version(name: str) -> None:
    """R49: the caller's instance learns the new version, so its next write from it does not conflict."""
    _, manager, _ = users()
    period = care_period()
    before = period.version
    model, call = WRITES[name]
    call(actor=manager, period=period)
    assert LookedAfterPeriod.objects.get(pk=period.pk).version == before + 1 == period.version
    call_again = WRITES["conviction"][1]
    call_again(actor=manager, period=period, expected_version=period.version)
    assert LookedAfterPeriod.objects.get(pk=period.pk).version == before + 2
    assert model.objects.filter(period=period).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_from_a_stale_version_conflicts_and_writes_nothing(name: str) -> None:
    """R49: someone changed the period after this form was opened; the save says who and keeps nothing."""
    _, manager, _ = users()
    other, _, _ = users()
    period = care_period()
    opened = period.version
    theirs = LookedAfterPeriod.objects.get(pk=period.pk)
    conviction_record(actor=other, period=theirs, convicted_on=date(2026, 2, 20))
    model, call = WRITES[name]
    count = model.objects.count()
    with pytest.raises(ConflictError) as error:
        call(actor=manager, period=period, expected_version=opened)
    assert error.value.changed_by == str(other)
    assert model.objects.count() == count
    assert LookedAfterPeriod.objects.get(pk=period.pk).version == opened + 1


@pytest.mark.django_db
def test_a_refused_write_leaves_the_version_alone() -> None:
    _, manager, _ = users()
    period = care_period()
    opened = period.version
    with pytest.raises(ValidationError):
        conviction_record(actor=manager, period=period, convicted_on=date(2027, 1, 1))
    assert period.version == opened == LookedAfterPeriod.objects.get(pk=period.pk).version


def _at_once(calls: list[Callable[[], Any]]) -> list[str]:
    """Run `calls` in threads, each with its own connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=5)
            call()
            outcomes.append("saved")
        except ValidationError as exc:
            outcomes.append("refused: " + " ".join(m for ms in exc.message_dict.values() for m in ms))
        except Exception as exc:  # reported in the caller's assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_visits_recorded_at_once_both_save_and_one_visit_task_stays_open() -> None:
    """R49 with two real writers: without the lock the second hit the one-open-task index (a 500)."""
    worker, other, _ = users()
    period = care_period()
    copies = [LookedAfterPeriod.objects.get(pk=period.pk) for _ in range(2)]
    outcomes = _at_once(
        [
            lambda: visit_record(
                actor=worker, period=copies[0], visited_on=date(2026, 2, 5), child_seen=True
            ),
            lambda: health_check_record(
                actor=other, period=copies[1], kind=HealthCheckKind.DENTAL, done_on=date(2026, 2, 6)
            ),
        ]
    )
    assert outcomes == ["saved", "saved"], outcomes
    assert LookedAfterPeriod.objects.get(pk=period.pk).version == period.version + 2
    open_visits = Task.objects.filter(involvement=period.involvement, key=Clock.VISIT, status=TaskStatus.OPEN)
    assert list(open_visits.values_list("due_on", flat=True)) == [date(2026, 3, 19)]


@pytest.mark.django_db(transaction=True)
def test_two_initial_health_assessments_at_once_the_second_is_refused() -> None:
    """The "already recorded" check runs under the lock, so it sees the first one."""
    worker, other, _ = users()
    period = care_period()
    copies = [LookedAfterPeriod.objects.get(pk=period.pk) for _ in range(2)]
    outcomes = _at_once(
        [
            partial(
                health_check_record,
                actor=actor,
                period=copy,
                kind=HealthCheckKind.INITIAL_HEALTH_ASSESSMENT,
                done_on=date(2026, 2, 20),
            )
            for actor, copy in zip((worker, other), copies, strict=True)
        ]
    )
    assert outcomes[1] == "saved", outcomes
    assert outcomes[0].startswith("refused: An initial health assessment is already recorded on 20 February")
    assert HealthCheck.objects.filter(period=period).count() == 1
