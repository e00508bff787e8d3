"""Missing and away episodes, return home interviews and UASC status (issue 6, items 4 and 5)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.looked_after.models import MissingEpisode, UascStatus
from safehub.looked_after.services import missing as missing_services
from safehub.looked_after.services.missing import missing_record, missing_update, uasc_record
from safehub.people.tests.factories import restrict
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .cases import ago, period, person, today, worker

pytestmark = pytest.mark.django_db


def _errors(excinfo: Any) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_an_episode_is_recorded_and_audited() -> None:
    actor, p = worker(), period()
    episode = missing_record(actor=actor, period=p, kind="M", started_on=ago(10), ended_on=ago(9))
    assert episode.kind == "M"
    assert episode.recorded_by == actor
    assert AuditEvent.objects.filter(object_id=str(episode.pk), verb="create", section="missing").exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [(11, 9), (10, None), (12, 9), (10, 3)],
)
def test_an_overlapping_episode_is_refused(start: int, end: int | None) -> None:
    actor, p = worker(), period()
    missing_record(actor=actor, period=p, kind="M", started_on=ago(10), ended_on=ago(9))
    with pytest.raises(ValidationError) as excinfo:
        missing_record(
            actor=actor, period=p, kind="A", started_on=ago(start), ended_on=ago(end) if end else None
        )
    assert "overlaps the episode" in _errors(excinfo)["started_on"][0]


def test_a_child_may_go_missing_again_on_the_day_they_came_back() -> None:
    actor, p = worker(), period()
    missing_record(actor=actor, period=p, kind="M", started_on=ago(10), ended_on=ago(9))
    assert missing_record(actor=actor, period=p, kind="A", started_on=ago(9))


def test_an_open_episode_blocks_a_later_one() -> None:
    actor, p = worker(), period()
    missing_record(actor=actor, period=p, kind="M", started_on=ago(10))
    with pytest.raises(ValidationError):
        missing_record(actor=actor, period=p, kind="M", started_on=ago(5))


def test_dates_and_codes_are_checked() -> None:
    actor, p = worker(), period(started_days_ago=30)
    with pytest.raises(ValidationError) as excinfo:
        missing_record(actor=actor, period=p, kind="X", started_on=ago(40), ended_on=ago(45))
    errors = _errors(excinfo)
    assert errors["kind"] == ["Choose a kind of absence from the list."]
    assert "before the child became looked after" in errors["started_on"][0]
    assert any("before the start of the episode" in m for m in errors["ended_on"])
    with pytest.raises(ValidationError) as excinfo:
        missing_record(actor=actor, period=p, kind="M", started_on=today() + timedelta(days=1))
    assert "cannot be in the future" in _errors(excinfo)["started_on"][0]


def test_a_worker_without_access_is_refused_as_not_found() -> None:
    """R19: a restricted child is the same answer as a missing one."""
    p = period()
    restrict(p.person)
    with pytest.raises(NotFoundOrForbidden):
        missing_record(actor=worker(), period=p, kind="M", started_on=ago(3))


def test_the_interview_is_recorded_and_the_clock_told_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(missing_services, "period_clocks_sync", lambda **kw: calls.append(kw.get("done")))
    actor, p = worker(), period()
    episode = missing_record(actor=actor, period=p, kind="M", started_on=ago(10))
    missing_update(
        actor=actor,
        episode=episode,
        ended_on=ago(8),
        interview_offered_on=ago(7),
        interview_accepted=True,
        interview_held_on=ago(6),
        notes="Synthetic",
        expected_version=episode.version,
    )
    episode.refresh_from_db()
    assert (episode.ended_on, episode.interview_offered_on, episode.interview_held_on) == (
        ago(8),
        ago(7),
        ago(6),
    )
    assert episode.interview_accepted is True
    assert calls[-1] == {"la.return_interview": ago(7)}
    missing_update(
        actor=actor,
        episode=episode,
        ended_on=ago(8),
        interview_offered_on=ago(7),
        interview_accepted=True,
        interview_held_on=ago(6),
        notes="Corrected",
        expected_version=episode.version,
    )
    assert calls[-1] is None  # the offer was already recorded


def _update(episode: MissingEpisode, **fields: Any) -> None:
    values: dict[str, Any] = {
        "ended_on": ago(8),
        "interview_offered_on": None,
        "interview_accepted": None,
        "interview_held_on": None,
        "notes": "",
        "expected_version": episode.version,
    }
    values.update(fields)
    missing_update(actor=worker(), episode=episode, **values)


def test_an_interview_before_the_return_is_refused() -> None:
    episode = missing_record(actor=worker(), period=period(), kind="M", started_on=ago(10))
    with pytest.raises(ValidationError) as excinfo:
        _update(episode, interview_offered_on=ago(9))
    assert "cannot be before the child's return" in _errors(excinfo)["interview_offered_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        _update(episode, ended_on=None, interview_offered_on=ago(9))
    assert "returned before recording the interview offer" in _errors(excinfo)["interview_offered_on"][0]


def test_an_interview_is_held_only_if_accepted_and_after_the_offer() -> None:
    episode = missing_record(actor=worker(), period=period(), kind="M", started_on=ago(10))
    with pytest.raises(ValidationError) as excinfo:
        _update(episode, interview_offered_on=ago(7), interview_accepted=False, interview_held_on=ago(6))
    assert "only if the child accepted" in _errors(excinfo)["interview_held_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        _update(episode, interview_offered_on=ago(7), interview_accepted=True, interview_held_on=ago(8))
    assert "before the offer of the interview" in _errors(excinfo)["interview_held_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        _update(episode, interview_accepted=True)
    assert "interview_accepted" in _errors(excinfo)


def test_a_stale_update_conflicts() -> None:
    """R49: two workers updating one episode; the second sees a conflict, not a lost update."""
    episode = missing_record(actor=worker(), period=period(), kind="M", started_on=ago(10))
    stale = MissingEpisode.objects.get(pk=episode.pk)
    _update(episode)
    with pytest.raises(ConflictError):
        _update(stale, ended_on=ago(7), expected_version=stale.version)


def test_uasc_status_is_recorded_then_changed_with_its_version() -> None:
    actor, p = worker(), period()
    status = uasc_record(actor=actor, person=p.person, started_on=p.started_on)
    assert UascStatus.objects.get(person=p.person) == status
    with pytest.raises(ValidationError):
        uasc_record(
            actor=actor, person=p.person, started_on=p.started_on
        )  # no version: not a blind overwrite
    uasc_record(
        actor=actor,
        person=p.person,
        started_on=p.started_on,
        ceased_on=ago(1),
        expected_version=status.version,
    )
    status.refresh_from_db()
    assert status.ceased_on == ago(1)
    with pytest.raises(ConflictError):
        uasc_record(
            actor=actor, person=p.person, started_on=p.started_on, expected_version=status.version - 1
        )


def test_uasc_status_ceases_no_later_than_the_18th_birthday() -> None:
    p = period(age_years=19, started_days_ago=800)
    with pytest.raises(ValidationError) as excinfo:
        uasc_record(actor=worker(), person=p.person, started_on=p.started_on, ceased_on=ago(1))
    assert "cannot be after the child's 18th birthday" in _errors(excinfo)["ceased_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        uasc_record(actor=worker(), person=p.person, started_on=ago(5), ceased_on=ago(6))
    assert "ceased_on" in _errors(excinfo)


def test_uasc_needs_a_period_of_care() -> None:
    with pytest.raises(NotFoundOrForbidden):
        uasc_record(actor=worker(), person=person(), started_on=ago(5))
