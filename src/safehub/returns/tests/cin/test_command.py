"""`safehub returns cin-census --year YYYY --out FILE.xml --as-user EMAIL`."""

import stat
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.returns.constants import ReturnKind
from safehub.returns.models import ProducedReturn

from .cases import child, referral

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def officer(db: Any) -> Any:
    return UserFactory(role=Role.DATA_OFFICER)


def _run(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("returns", "cin-census", *args, stdout=out)
    return out.getvalue()


def test_writes_the_file_keeps_the_return_and_says_how_many(tmp_path: Path, officer: Any) -> None:
    person = child("CMD1")
    referral(person, date(2025, 6, 1), source="77")
    target = tmp_path / "cin.xml"

    printed = _run("--year", "2026", "--out", str(target), "--as-user", officer.email)

    assert "1 children in the CIN census 2026 (01/04/2025 to 31/03/2026)" in printed
    assert "CMD1 ReferralSource '77'" in printed
    produced = ProducedReturn.objects.get()
    assert (produced.kind, produced.year, produced.children, produced.produced_by) == (
        ReturnKind.CIN,
        2026,
        1,
        officer,
    )
    assert produced.parts.get().content == target.read_bytes()
    assert b"<LAchildID>CMD1</LAchildID>" in target.read_bytes()
    event = AuditEvent.objects.get(object_id=str(produced.pk))
    assert event.actor == officer
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # every child's record: the owner's alone


def test_an_existing_file_is_replaced_and_made_private(tmp_path: Path, officer: Any) -> None:
    referral(child("CMD3"), date(2025, 6, 1))
    target = tmp_path / "cin.xml"
    target.write_bytes(b"old contents that are longer than nothing")
    target.chmod(0o644)

    _run("--year", "2026", "--out", str(target), "--as-user", officer.email)

    assert target.read_bytes() == ProducedReturn.objects.get().parts.get().content
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_serial_number_counts_the_productions_of_the_year(tmp_path: Path, officer: Any) -> None:
    referral(child("CMD2"), date(2025, 6, 1))
    _run("--year", "2026", "--out", str(tmp_path / "a.xml"), "--as-user", officer.email)
    _run("--year", "2026", "--out", str(tmp_path / "b.xml"), "--as-user", officer.email)

    assert b"<SerialNo>002</SerialNo>" in (tmp_path / "b.xml").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2026", "--out", "/no/such/dir/cin.xml", "--as-user", "{user}"], "does not exist"),
        (["--year", "2028", "--out", "{tmp}/cin.xml", "--as-user", "{user}"], "starts on 01 April 2027"),
        (["--year", "2026", "--out", "{tmp}", "--as-user", "{user}"], "is a directory"),
        (["--year", "2026", "--out", "{tmp}/cin.xml", "--as-user", "nobody@example.test"], "no user"),
        (["--year", "2026", "--out", "{tmp}/cin.xml"], "--as-user"),
    ],
)
def test_bad_input_is_refused_with_the_reason(
    tmp_path: Path, officer: Any, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*[a.replace("{tmp}", str(tmp_path)).replace("{user}", officer.email) for a in args])
    assert not ProducedReturn.objects.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.PERFORMANCE_ANALYST])
def test_a_user_without_the_prepare_returns_function_is_refused(tmp_path: Path, role: str) -> None:
    user: Any = UserFactory(role=role)

    with pytest.raises(CommandError, match="may not produce returns"):
        _run("--year", "2026", "--out", str(tmp_path / "cin.xml"), "--as-user", user.email)
    assert not (tmp_path / "cin.xml").exists()
    assert not ProducedReturn.objects.exists()


def test_a_deactivated_preparer_is_refused(tmp_path: Path) -> None:
    gone: Any = UserFactory(role=Role.DATA_OFFICER, is_active=False)

    with pytest.raises(CommandError, match="deactivated"):
        _run("--year", "2026", "--out", str(tmp_path / "cin.xml"), "--as-user", gone.email)
    assert not ProducedReturn.objects.exists()


def test_the_council_code_must_be_configured(tmp_path: Path, settings: Any, officer: Any) -> None:
    settings.SAFEHUB_LA_OLD_CODE = ""

    with pytest.raises(CommandError, match="SAFEHUB_LA_OLD_CODE"):
        _run("--year", "2026", "--out", str(tmp_path / "cin.xml"), "--as-user", officer.email)
    assert not (tmp_path / "cin.xml").exists()
