"""Imported casework gets its clock tasks once, at the end of the run: every open referral the run
touched is synced exactly once (not once per casework table and batch), and what it gets is what a
sync of its whole record gives."""

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.child_protection import clocks
from safehub.child_protection.models import Referral
from safehub.demo.ssd_extract.writer import write_ssd_extract
from safehub.platform import clock
from safehub.returns.ssd import casework_common
from safehub.returns.ssd.runner import run_import

pytestmark = pytest.mark.django_db


def _tasks() -> set[tuple[Any, ...]]:
    return set(Task.objects.filter(status=TaskStatus.OPEN).values_list("involvement_id", "key", "due_on"))


def test_each_open_referral_is_synced_once_after_the_last_table(
    make_user: Any, code_lists: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = make_user(Role.DATA_OFFICER)
    folder = tmp_path / "extract"
    write_ssd_extract(folder, children=30, years=3, seed=5, today=clock.today())
    synced: Counter[Any] = Counter()
    real = clocks.referral_clocks_sync

    def counting(*, referral: Referral, **kwargs: Any) -> None:
        synced[referral.pk] += 1
        real(referral=referral, **kwargs)

    monkeypatch.setattr(casework_common, "referral_clocks_sync", counting)
    # Small batches, so a referral's rows span several batches of several tables.
    run_import(folder, actor=officer, batch_size=25)

    open_referrals = set(Referral.objects.filter(closed_on__isnull=True).values_list("pk", flat=True))
    assert open_referrals  # the extract has children open to social care today
    assert set(synced) == open_referrals
    assert set(synced.values()) == {1}
    loaded = _tasks()
    assert loaded  # open cases have clocks running
    # Syncing again changes nothing: the import left each referral's clocks as its record says.
    for referral in Referral.objects.filter(pk__in=open_referrals):
        real(referral=referral)
    assert _tasks() == loaded
