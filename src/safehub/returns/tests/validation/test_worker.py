"""The worker and runner against the real validators, out of process (issue 7, item 7)."""

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from safehub.returns.validation.exclusions import EXCLUSIONS, excluded_rules
from safehub.returns.validation.runner import ValidatorUnavailable, WorkerResult, run_validator
from safehub.returns.validation.services import run_files, split_findings

from .returns_data import (
    CIN_CHILD,
    CIN_INVALID,
    CIN_VALID,
    LA_CODE,
    LAC_CHILD,
    LAC_INVALID,
    LAC_VALID,
    YEAR,
    cin_files,
    lac_files,
)


# Each run starts pandas in a subprocess (seconds): run each input once for the module.
@cache
def _cin(xml: str) -> WorkerResult:
    return run_files("cin", YEAR, cin_files(xml))


@cache
def _lac(invalid: bool) -> WorkerResult:
    from django.conf import settings

    settings.SAFEHUB_LA_CODE = LA_CODE
    return run_files("903", YEAR, lac_files(LAC_INVALID if invalid else LAC_VALID))


def test_valid_cin_has_no_error_and_only_the_small_return_query() -> None:
    result = _cin(CIN_VALID)
    assert result.validator == "csc-validator-be-cin"
    assert result.version == "0.1.13"
    assert result.ruleset == "cin2025_26"
    assert len(result.rules_run) == 109
    assert result.seconds > 0
    assert [(i.rule_code, i.severity, i.child_id) for i in result.issues] == [("2887Q", "query", "")]
    assert result.crashed == {}


def test_invalid_cin_reports_each_rule_with_child_table_field_and_value() -> None:
    result = _cin(CIN_INVALID)
    errors = [i for i in result.issues if i.severity == "error"]
    assert {i.rule_code for i in errors} == {"8866", "4220"}
    ethnicity = next(i for i in errors if i.rule_code == "4220")
    assert (ethnicity.child_id, ethnicity.table, ethnicity.fields, ethnicity.value) == (
        CIN_CHILD,
        "ChildCharacteristics",
        "Ethnicity",
        "XXXX",
    )
    source = next(i for i in errors if i.rule_code == "8866" and i.fields == "ReferralSource")
    assert (source.table, source.row, source.value) == ("CINdetails", "0", "99")
    assert "Source of Referral" in source.description


def test_valid_903_is_clean_except_the_rules_that_crash_in_the_validator() -> None:
    result = _lac(invalid=False)
    assert result.validator == "csc-validator-be-903"
    assert result.ruleset == "lac2025_26"
    assert result.issues == []
    assert set(result.crashed) == {"231", "233"}


def test_invalid_903_reports_the_header_error() -> None:
    result = _lac(invalid=True)
    assert Counter(i.rule_code for i in result.issues) == {"103": 1}
    issue = result.issues[0]
    assert (issue.child_id, issue.table, issue.severity) == (LAC_CHILD, "Header", "error")
    assert "ETHNIC=XXXX" in issue.value


def test_excluded_rules_are_counted_apart_and_crashes_not_excluded_are_kept() -> None:
    result = _lac(invalid=False)
    kept, left_out, crashed = split_findings("903", result)
    assert kept == []
    assert {r["rule_code"]: r["crashed"] for r in left_out} == {
        "1001": False,
        "1002": False,
        "231": True,
        "233": True,
        "SW17STG2": False,
    }
    assert all(r["reason"] and r["doc"].startswith("docs/domain/returns-validation.md#") for r in left_out)
    assert crashed == []
    # Without the exclusions the same run records the crashed rules, never as passed.
    kept, left_out, crashed = split_findings("903", result, excluded={})
    assert left_out == []
    assert [c["rule_code"] for c in crashed] == ["231", "233"]


def test_exclusions_are_only_the_documented_misfiring_rules() -> None:
    assert excluded_rules("cin") == {}
    assert set(excluded_rules("903")) == {"1001", "1002", "231", "233", "SW17STG2"}
    doc = Path(__file__).resolve().parents[5] / "docs" / "domain" / "returns-validation.md"
    text = doc.read_text()
    for exclusion in EXCLUSIONS:
        anchor = exclusion.doc.split("#", 1)[1]
        assert f"{{#{anchor}}}" in text or anchor.replace("-", " ") in text.lower()
        assert f"`{exclusion.rule_code}`" in text


def test_a_file_the_validator_cannot_read_is_reported_not_a_traceback() -> None:
    with pytest.raises(ValidatorUnavailable, match="could not read the return"):
        run_files("cin", YEAR, {"broken.xml": b"<Message><Children>"})


def test_a_missing_validators_venv_names_the_make_target(settings: object, tmp_path: Path) -> None:
    settings.SAFEHUB_VALIDATORS_PYTHON = str(tmp_path / "nope" / "python")  # type: ignore[attr-defined]
    with pytest.raises(ValidatorUnavailable, match="make validators"):
        run_validator("cin", year=YEAR, this_year=[tmp_path / "x.xml"])


def test_a_timeout_is_reported(settings: object, tmp_path: Path) -> None:
    path = tmp_path / "c.xml"
    path.write_text(CIN_VALID)
    with pytest.raises(ValidatorUnavailable, match=r"did not finish within 0\.01 seconds"):
        run_validator("cin", year=YEAR, this_year=[path], timeout=0.01)
