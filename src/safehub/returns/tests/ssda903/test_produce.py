"""Producing, keeping and submitting the 903; the previous year read back; the command."""

import stat
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.platform.errors import PermissionRefused
from safehub.returns.constants import ReturnKind
from safehub.returns.models import ProducedReturn
from safehub.returns.services.submit import AlreadySubmitted, return_mark_submitted
from safehub.returns.ssda903.produce import previous_year_files, previous_year_tables, ssda903_produce
from safehub.returns.ssda903.tables import HEADERS

from .care import care, child, preparer

pytestmark = pytest.mark.django_db


def test_a_production_is_kept_with_its_files_and_audited_once_naming_every_child() -> None:
    person = child(date(2012, 1, 1))
    care(person, date(2025, 6, 1), "V2", "U6")
    actor = preparer()

    result = ssda903_produce(actor=actor, year=2026)

    produced = ProducedReturn.objects.get(pk=result.produced.pk)
    assert (produced.kind, produced.year, produced.children) == (ReturnKind.SSDA903, 2026, 1)
    assert sorted(p.name for p in produced.parts.all()) == sorted(result.files)
    (event,) = AuditEvent.objects.filter(object_id=str(produced.pk), verb="export")
    assert str(person.pk) in str(event.detail)


def test_someone_who_may_not_prepare_returns_cannot_produce_or_submit() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    with pytest.raises(PermissionRefused):
        ssda903_produce(actor=worker, year=2026)
    produced = ssda903_produce(actor=preparer(), year=2026).produced
    with pytest.raises(PermissionRefused):
        return_mark_submitted(produced, worker)
    assert ProducedReturn.objects.get(pk=produced.pk).submitted_at is None


def test_previous_year_is_the_submitted_return_else_the_latest_else_none() -> None:
    actor = preparer()
    assert previous_year_tables(2027) is None
    person = child(date(2012, 1, 1))
    care(person, date(2025, 6, 1), "V2", "U6")
    submitted = ssda903_produce(actor=actor, year=2026).produced
    care(child(date(2013, 1, 1)), date(2025, 7, 1), "V2", "U6")
    latest = ssda903_produce(actor=actor, year=2026).produced

    # Nothing submitted: the latest production.
    assert len(previous_year_tables(2027)["Header"]) == 2  # type: ignore[index]

    return_mark_submitted(submitted, actor)

    tables = previous_year_tables(2027)
    assert tables is not None
    assert len(tables["Header"]) == 1
    assert set(tables) == {name for name in HEADERS if name != "DoLo"}
    files = previous_year_files(2027)
    assert files == {p.name: bytes(p.content) for p in submitted.parts.all()}
    assert latest.pk != submitted.pk


def test_marking_submitted_is_audited_and_happens_once() -> None:
    actor = preparer()
    produced = ssda903_produce(actor=actor, year=2026).produced

    return_mark_submitted(produced, actor)

    stored = ProducedReturn.objects.get(pk=produced.pk)
    assert stored.submitted_by == actor
    assert stored.submitted_at is not None
    assert (
        AuditEvent.objects.filter(
            object_id=str(produced.pk), section="return_submitted", verb="update"
        ).count()
        == 1
    )
    with pytest.raises(AlreadySubmitted):
        return_mark_submitted(produced, actor)


def test_the_command_writes_one_csv_per_table_and_keeps_the_return(tmp_path: Path) -> None:
    actor = preparer()
    care(child(date(2012, 1, 1)), date(2025, 6, 1), "V2", "U6")
    out = StringIO()

    call_command(
        "returns",
        "ssda903",
        "--year",
        "2026",
        "--out",
        str(tmp_path / "903"),
        "--as-user",
        actor.email,
        stdout=out,
    )

    written = sorted(p.name for p in (tmp_path / "903").iterdir())
    assert written == sorted(f"{name.lower()}.csv" for name in HEADERS if name != "DoLo")
    # Every looked-after child's record: the directory and the files are the owner's alone.
    assert stat.S_IMODE((tmp_path / "903").stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "903").iterdir()} == {0o600}
    header = (tmp_path / "903" / "episodes.csv").read_text().splitlines()
    assert header[0] == ",".join(HEADERS["Episodes"])
    assert len(header) == 2
    text = out.getvalue()
    assert "1 children" in text
    assert "Episodes" in text
    assert " s." in text
    assert ProducedReturn.objects.filter(kind=ReturnKind.SSDA903, year=2026).count() == 1


def test_the_command_writes_into_an_existing_directory_privately(tmp_path: Path) -> None:
    actor = preparer()
    (tmp_path / "episodes.csv").write_text("stale")
    (tmp_path / "episodes.csv").chmod(0o644)

    call_command(
        "returns",
        "ssda903",
        "--year",
        "2026",
        "--out",
        str(tmp_path),
        "--as-user",
        actor.email,
        stdout=StringIO(),
    )

    episodes = (tmp_path / "episodes.csv").read_text().splitlines()
    assert episodes == [",".join(HEADERS["Episodes"])]
    assert stat.S_IMODE((tmp_path / "episodes.csv").stat().st_mode) == 0o600


def test_the_command_refuses_a_user_who_may_not_prepare_returns(tmp_path: Path) -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    with pytest.raises(CommandError, match="may not produce returns"):
        call_command(
            "returns", "ssda903", "--year", "2026", "--out", str(tmp_path), "--as-user", worker.email
        )
    assert not ProducedReturn.objects.exists()
