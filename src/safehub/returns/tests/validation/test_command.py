"""`safehub returns validate` exit codes and output (issue 7, interfaces)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from .returns_data import CIN_INVALID, CIN_VALID, LAC_INVALID, LAC_VALID, YEAR, lac_files, write_dir


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("returns", "validate", *args)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_cin_with_only_a_query_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(CIN_VALID)
    code, out, _ = _run(capsys, "cin", "--year", str(YEAR), str(path))
    assert code == 0
    assert "Errors: 0 in 0 rules" in out
    assert "2887Q" in out


def test_cin_with_errors_exits_1_and_lists_each_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(CIN_INVALID)
    code, out, _ = _run(capsys, "cin", "--year", str(YEAR), str(path))
    assert code == 1
    assert "Errors: 2 in 2 rules" in out  # one place each, however many fields
    assert "8866" in out
    assert "Source of Referral is missing or an invalid code" in out
    assert "4220" in out


def test_903_directory_valid_0_invalid_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_dir(tmp_path / "good", lac_files(LAC_VALID))
    bad = write_dir(tmp_path / "bad", lac_files(LAC_INVALID))
    code, out, _ = _run(capsys, "903", "--year", str(YEAR), str(good))
    assert code == 0, out
    assert "Excluded 231 (crashed)" in out
    code, out, _ = _run(capsys, "903", "--year", str(YEAR), str(bad))
    assert code == 1
    assert "103" in out


def test_validator_that_cannot_run_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "903", "--year", str(YEAR), str(tmp_path / "missing"))
    assert code == 2
    assert "is not a directory" in err
    code, _, err = _run(capsys, "cin", "--year", "26", str(tmp_path / "x.xml"))
    assert code == 2
    assert "--year" in err
