"""Imported cases get their clock tasks once, at the end of the run: every referral and period of
care the run touched is synced exactly once (not once per table and batch), what it gets is what a
sync of its whole record gives, and a re-run that closes a referral cancels the clocks it had."""

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.child_protection import clocks
from safehub.child_protection.models import Referral
from safehub.demo.ssd_extract.writer import write_ssd_extract
from safehub.looked_after import clocks as care_clocks
from safehub.looked_after.models import LookedAfterPeriod
from safehub.platform import clock
from safehub.returns.models import SsdRecord
from safehub.returns.ssd import casework_common, runner
from safehub.returns.ssd.runner import run_import

pytestmark = pytest.mark.django_db


def _tasks() -> set[tuple[Any, ...]]:
    return set(Task.objects.filter(status=TaskStatus.OPEN).values_list("involvement_id", "key", "due_on"))


def _counting(real: Any, synced: Counter[Any]) -> Any:
    def counting(ids: Iterable[Any]) -> int:
        ids = list(ids)
        synced.update(ids)
        return int(real(ids))

    return counting


def test_each_case_is_synced_once_after_the_last_table(
    make_user: Any, code_lists: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = make_user(Role.DATA_OFFICER)
    folder = tmp_path / "extract"
    # 80 children: enough for some to be in care today.
    write_ssd_extract(folder, children=80, years=3, seed=5, today=clock.today())
    referrals: Counter[Any] = Counter()
    periods: Counter[Any] = Counter()
    monkeypatch.setattr(
        casework_common, "referral_clocks_sync_many", _counting(clocks.referral_clocks_sync_many, referrals)
    )
    monkeypatch.setattr(runner, "sync_period_clocks", _counting(care_clocks.period_clocks_sync_many, periods))
    # Small batches, so a case's rows span several batches of several tables.
    run_import(folder, actor=officer, batch_size=25)

    open_referrals = set(Referral.objects.filter(closed_on__isnull=True).values_list("pk", flat=True))
    open_periods = set(LookedAfterPeriod.objects.filter(ended_on__isnull=True).values_list("pk", flat=True))
    assert open_referrals  # the extract has children open to social care
    assert open_periods  # and children in care
    assert open_referrals <= set(referrals)
    assert set(referrals.values()) == {1}
    assert open_periods <= set(periods)
    assert set(periods.values()) == {1}
    loaded = _tasks()
    assert loaded  # open cases have clocks running
    # Syncing each case on its own changes nothing: the import left its clocks as its record says.
    for referral in Referral.objects.filter(pk__in=open_referrals):
        clocks.referral_clocks_sync(referral=referral)
    for period in LookedAfterPeriod.objects.filter(pk__in=open_periods):
        care_clocks.period_clocks_sync(period=period)
    assert _tasks() == loaded


def test_a_rerun_that_closes_a_referral_cancels_its_clocks(
    make_user: Any, code_lists: None, tmp_path: Path
) -> None:
    officer = make_user(Role.DATA_OFFICER)
    folder = tmp_path / "extract"
    write_ssd_extract(folder, children=40, years=3, seed=5, today=clock.today())
    run_import(folder, actor=officer)
    candidates = Referral.objects.filter(closed_on__isnull=True).order_by("referral_date")
    referral = next(r for r in candidates if r.involvement.tasks.filter(status=TaskStatus.OPEN).exists())
    source = SsdRecord.objects.get(table="ssd_cin_episodes", object_id=referral.pk).source_id
    path = folder / "ssd_cin_episodes.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    assert fields is not None
    for row in rows:
        if row["cine_referral_id"] == source:
            row["cine_close_date"], row["cine_close_reason"] = clock.today().isoformat(), "RC8"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)

    run = run_import(folder, actor=officer)

    assert list(run.rejections.filter(row_id=source).values_list("field", "problem")) == []
    referral.refresh_from_db()
    assert referral.closed_on == clock.today()
    tasks = referral.involvement.tasks.filter(manual=False)
    assert tasks.exists()
    assert set(tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
