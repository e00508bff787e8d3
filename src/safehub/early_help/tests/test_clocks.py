"""Early help clocks: due dates from the local timescales, one family one task, recompute (ADR 0007 §1, §8; R52)."""

from datetime import date, timedelta

import pytest

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.casework.constants import LocalTimescale, TaskStatus, TimescaleUnit
from safehub.casework.models import Task
from safehub.casework.services.settings import timescale_setting_change
from safehub.casework.timescales import timescales
from safehub.early_help.clocks import clocks_recompute_all, episode_tasks
from safehub.early_help.constants import Clock, EndReason
from safehub.early_help.services import NewGoal, episode_close, plan_start
from safehub.platform.calendar import add_working_days, calendar
from safehub.platform.services.closures import local_closure_create

from .factories import OPENED, TODAY, child, opened, practitioner

pytestmark = pytest.mark.django_db


def _due(key):
    return Task.objects.get(key=key, status=TaskStatus.OPEN).due_on


def test_a_new_episode_has_the_assessment_and_first_taf_clocks_at_the_default_timescales():
    episode = opened(practitioner())
    specs = {s.key: s for s in episode_tasks(episode)}
    assert set(specs) == {Clock.ASSESSMENT, Clock.FIRST_TAF}
    assert specs[Clock.ASSESSMENT].due_on == add_working_days(OPENED, 30)
    assert specs[Clock.FIRST_TAF].due_on == add_working_days(OPENED, 20)
    assert "within 30 working days" in specs[Clock.ASSESSMENT].basis


def test_due_dates_follow_the_local_timescale_setting(django_capture_on_commit_callbacks):
    """R52: a council's setting moves the due dates of open episodes."""
    worker = practitioner()
    episode = opened(worker, children=[child(), child()])
    plan_start(
        actor=worker,
        episode=episode,
        started_on=date(2026, 10, 22),
        summary="",
        goals=[NewGoal("education", "School every day", 3)],
    )
    manager = UserFactory(role=Role.TEAM_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        timescale_setting_change(
            actor=manager,
            key=LocalTimescale.EH_PLAN_REVIEW,
            amount=4,
            unit=TimescaleUnit.WEEKS,
            reason="Review plans monthly (synthetic).",
        )
        timescale_setting_change(
            actor=manager,
            key=LocalTimescale.EH_FIRST_TAF,
            amount=15,
            unit=TimescaleUnit.WORKING_DAYS,
            reason="First TAF sooner (synthetic).",
        )
    clocks_recompute_all()  # idempotent, whether or not the hook already ran
    assert _due(Clock.PLAN_REVIEW) == date(2026, 10, 22) + timedelta(weeks=4)
    assert _due(Clock.FIRST_TAF) == add_working_days(OPENED, 15)
    # One family, one task: still one open task per clock, on the first child's involvement.
    assert Task.objects.filter(key=Clock.PLAN_REVIEW, status=TaskStatus.OPEN).count() == 1


def test_a_local_closure_moves_working_day_due_dates(django_capture_on_commit_callbacks):
    opened(practitioner(), opened_on=TODAY)
    before = _due(Clock.FIRST_TAF)
    closed_day = next(
        d for d in (TODAY + timedelta(days=n) for n in range(1, 30)) if calendar().is_working_day(d)
    )
    admin = UserFactory(role=Role.SYSADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        local_closure_create(actor=admin, date=closed_day, reason="Synthetic council closure day")
    assert _due(Clock.FIRST_TAF) == calendar().add_working_days(TODAY, 20)
    assert _due(Clock.FIRST_TAF) > before


def test_a_closed_episode_has_no_clocks():
    worker = practitioner()
    episode = opened(worker)
    episode_close(
        actor=worker,
        episode=episode,
        expected_version=episode.version,
        closed_on=TODAY,
        end_reason=EndReason.NEEDS_MET,
    )
    assert episode_tasks(episode, timescales()) == []
    assert clocks_recompute_all() == 0
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()
