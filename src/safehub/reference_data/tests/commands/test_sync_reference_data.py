"""`safehub sync_reference_data`: progress per file, a summary, idempotent, clear errors."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from safehub.reference_data.loaders import load_all
from safehub.reference_data.models import CodeList

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("sync_reference_data", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_prints_a_line_per_file_and_a_summary(reference_dir: Path):
    output = _run("--source", str(reference_dir))
    files = load_all(reference_dir)
    for loaded in files:
        assert f"{loaded.path}: {len(loaded.lists)} lists, {loaded.code_count} codes" in output
    lists = sum(len(f.lists) for f in files)
    codes = sum(f.code_count for f in files)
    assert f"Applied: {lists} lists created, 0 lists updated, {codes} codes added" in output


def test_second_run_reports_zero_changes(reference_dir: Path):
    _run("--source", str(reference_dir))
    output = _run("--source", str(reference_dir))
    assert (
        "Already up to date: 0 lists created, 0 lists updated, 0 codes added, 0 updated, 0 disabled" in output
    )


def test_uses_the_setting_by_default(reference_dir: Path):
    assert Path(settings.SAFEHUB_REFERENCE_DIR) == reference_dir
    assert f"from {reference_dir}" in _run()


def test_dry_run_writes_nothing(reference_dir: Path):
    output = _run("--source", str(reference_dir), "--dry-run")
    assert "Would apply:" in output
    assert "Dry run: nothing was written." in output
    assert CodeList.objects.count() == 0


def test_bad_file_is_a_command_error(reference_copy: Path):
    (reference_copy / "ssd_codes" / "broken.csv").write_text("value\nX\n")
    with pytest.raises(CommandError, match=r"Nothing was synced: broken\.csv"):
        _run("--source", str(reference_copy))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    root = Path(settings.BASE_DIR)
    return subprocess.run(
        [sys.executable, str(root / "manage.py"), "sync_reference_data", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        timeout=120,
        check=False,
    )


def test_missing_directory_fails_with_a_helpful_message(tmp_path: Path):
    result = _cli("--source", str(tmp_path / "absent"))
    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert "SAFEHUB_REFERENCE_DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_directory_is_a_warning_when_allowed(tmp_path: Path):
    result = _cli("--source", str(tmp_path / "absent"), "--allow-missing")
    assert result.returncode == 0
    assert "Warning:" in result.stderr
