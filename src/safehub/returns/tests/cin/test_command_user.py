"""Every `safehub returns` command that produces or moves children's records names the user it runs
as (--as-user): nothing is produced anonymously (R27). One case per command, run for real."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safehub.audit.models import AuditEvent
from safehub.returns.models import FeedBatch, ImportRun, ProducedReturn

pytestmark = pytest.mark.django_db

COMMANDS = {
    "cin-census": ["--year", "2026", "--out", "{tmp}/cin.xml"],
    "ssda903": ["--year", "2026", "--out", "{tmp}/903"],
    "annex-a": ["--date", "2026-06-30", "--out", "{tmp}/annex-a.xlsx"],
    "dfe-api": ["--mode", "snapshot", "--dry-run", "--out", "{tmp}/feed"],
    "import-ssd": ["{tmp}"],
    "export-ssd": ["{tmp}/ssd"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_without_as_user_is_refused_naming_it(tmp_path: Path, command: str) -> None:
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    with pytest.raises(CommandError, match="--as-user"):
        call_command("returns", command, *arguments)
    assert list(tmp_path.iterdir()) == []  # nothing written
    assert not ProducedReturn.objects.exists()
    assert not FeedBatch.objects.exists()
    assert not ImportRun.objects.exists()
    assert not AuditEvent.objects.filter(verb="export").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_blank_as_user_is_refused_too(tmp_path: Path, command: str) -> None:
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    with pytest.raises(CommandError, match="--as-user: name the user"):
        call_command("returns", command, *arguments, "--as-user", "  ")
    assert list(tmp_path.iterdir()) == []
    assert not ProducedReturn.objects.exists()


def test_the_commands_as_the_issue_states_them_run_as_the_configured_service_account(
    tmp_path: Path, make_user, settings
) -> None:
    """`safehub returns import-ssd DIR` with no --as-user acts as SAFEHUB_RETURNS_USER, which must
    still be an active user with the returns function (R27: never anonymous)."""
    from safehub.accounts.constants import Role

    officer = make_user(Role.DATA_OFFICER)
    settings.SAFEHUB_RETURNS_USER = officer.email
    call_command("returns", "import-ssd", str(tmp_path))
    assert ImportRun.objects.get().started_by == officer
    settings.SAFEHUB_RETURNS_USER = make_user(Role.PERFORMANCE_ANALYST).email
    with pytest.raises(CommandError, match="may not import"):
        call_command("returns", "import-ssd", str(tmp_path))
    assert ImportRun.objects.count() == 1
