"""`safehub returns annex-a`: the workbook is written, kept as a produced return and audited."""

import io
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.returns.constants import ReturnKind
from safehub.returns.models import ProducedReturn

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> Any:
    return UserFactory(role=Role.DATA_OFFICER)


def test_the_command_writes_keeps_and_audits_the_workbook(tmp_path: Path, officer: Any) -> None:
    referral = ReferralFactory(referral_date=date(2026, 5, 1))
    out = tmp_path / "annex-a.xlsx"
    call_command("returns", "annex-a", "--date", "2026-06-30", "--out", str(out), "--as-user", officer.email)

    book = load_workbook(out)
    assert book["List 3 Referrals"].max_row == 2
    produced = ProducedReturn.objects.get(kind=ReturnKind.ANNEX_A)
    assert produced.as_at == date(2026, 6, 30)
    assert produced.produced_by == officer
    assert produced.children == 1
    [part] = produced.parts.all()
    assert bytes(part.content) == out.read_bytes()
    assert load_workbook(io.BytesIO(bytes(part.content))).sheetnames == book.sheetnames
    event = AuditEvent.objects.get(verb="export", object_id=str(produced.pk))
    assert event.detail["result_ids"] == [str(referral.person.pk)]
    assert not list(tmp_path.glob(".annex-a-*"))  # no temporary file left behind
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # names children: the owner's alone


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--date", "30/06/2026", "--as-user", "{user}"], "--date: '30/06/2026' is not a date"),
        (["--date", "2026-06-30", "--as-user", "nobody@example.test"], "--as-user: no user"),
        (["--date", "2026-06-30"], "--as-user"),
    ],
)
def test_bad_input_is_refused_naming_the_option(
    tmp_path: Path, officer: Any, arguments: list[str], message: str
) -> None:
    arguments = [a.replace("{user}", officer.email) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("returns", "annex-a", "--out", str(tmp_path / "a.xlsx"), *arguments)
    assert not ProducedReturn.objects.exists()
    assert not (tmp_path / "a.xlsx").exists()


def test_a_user_who_may_not_prepare_returns_is_refused(tmp_path: Path) -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    with pytest.raises(CommandError, match="may not produce returns"):
        call_command(
            "returns",
            "annex-a",
            "--date",
            "2026-06-30",
            "--out",
            str(tmp_path / "a.xlsx"),
            "--as-user",
            worker.email,
        )
    assert not (tmp_path / "a.xlsx").exists()


def test_a_missing_folder_is_reported(tmp_path: Path, officer: Any) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "returns",
            "annex-a",
            "--date",
            "2026-06-30",
            "--out",
            str(tmp_path / "no" / "a.xlsx"),
            "--as-user",
            officer.email,
        )
    assert not ProducedReturn.objects.exists()
