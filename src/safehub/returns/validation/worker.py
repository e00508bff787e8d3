"""Run one DfE validator and print what it found as JSON (issue 7, docs/domain/returns-validation.md).

This script runs under the validators' own Python (var/validators-venv: pandas < 2, Python <= 3.11),
never inside Django: it imports nothing from Safehub. runner.py starts it as a subprocess.

    python worker.py cin --year 2026 --this census.xml
    python worker.py 903 --year 2026 --la E06000045 --this header.csv episodes.csv ... [--prev ...]

stdout carries exactly one JSON document; the validators' own chatter (CIN prints the rules that
crash, 903 logs every rule) is captured and reported inside it, so it cannot corrupt the JSON.
"""

import argparse
import contextlib
import importlib.metadata
import io
import json
import logging
import math
import re
import sys
import time
import warnings
import xml.etree.ElementTree as ET  # nosec B405
from typing import Any

# CIN prints "Error with rule 8869: KeyError, 'x'" and carries on: that rule did not run.
_CIN_CRASH = re.compile(r"^Error with rule (\S+?):\s*(.*)$")


def _text(value: Any) -> str:
    """A cell as text: NaN/None are blank, dates are ISO, lists are comma-joined."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if hasattr(value, "strftime"):
        try:
            return str(value.strftime("%Y-%m-%d"))
        except ValueError:  # NaT
            return ""
    text = str(value)
    return "" if text in {"nan", "NaT", "None"} else text


def _row(value: Any) -> str:
    text = _text(value)
    return text[:-2] if text.endswith(".0") else text


def validate_cin(year: str, path: str) -> dict[str, Any]:
    from cin_validator import cin_validator
    from cin_validator.rule_engine import RuleType
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    registry = get_year_ruleset(year)
    queries = {str(code) for code, rule in registry.items() if rule.rule_type == RuleType.QUERY}
    raw = cin_validator.convert_data(ET.parse(path).getroot())  # noqa: S314  # nosec B314
    data = cin_validator.process_data(raw)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data, registry, selected_rules=None)
    crashed = []
    for line in printed.getvalue().splitlines():
        match = _CIN_CRASH.match(line.strip())
        if match:
            crashed.append({"rule_code": match.group(1), "message": match.group(2)})

    def severity(code: str) -> str:
        return "query" if code in queries or code.endswith("Q") else "error"

    issues = []
    # user_report has one row per rule x child x table x field x row, with the value flagged.
    report = validator.user_report
    if len(report):
        for record in report.to_dict("records"):
            code = _text(record.get("rule_code"))
            table = _text(record.get("tables_affected"))
            if not code or not table:
                continue  # LA-level rows come from multichild_issues below
            issues.append(
                {
                    "rule_code": code,
                    "severity": severity(code),
                    "description": _text(record.get("rule_description")),
                    "child_id": _text(record.get("LAchildID")),
                    "table": table,
                    "fields": _text(record.get("columns_affected")),
                    "row": _row(record.get("ROW_ID")),
                    "value": _text(record.get("value_flagged"))[:300],
                }
            )
    multichild = validator.multichild_issues
    seen = set()
    for record in multichild.to_dict("records") if len(multichild) else []:
        code = _text(record.get("rule_code"))
        if not code or code in seen:
            continue
        seen.add(code)
        issues.append(
            {
                "rule_code": code,
                "severity": severity(code),
                "description": _text(record.get("rule_description")),
                "child_id": "",
                "table": "Header" if code in {"100"} else "",
                "fields": "",
                "row": "",
                "value": "",
            }
        )
    descriptions = {str(code): _text(rule.message) for code, rule in registry.items()}
    return {
        "validator": "csc-validator-be-cin",
        "version": importlib.metadata.version("csc-validator-be-cin"),
        "ruleset": getattr(validator, "ruleset", "") or f"cin{int(year) - 1}_{year[-2:]}",
        "rules_run": sorted(str(code) for code in registry),
        "rules": descriptions,
        "queries": sorted(queries),
        "crashed": crashed,
        "issues": issues,
    }


def validate_903(year: str, la: str, this_year: list[str], prev_year: list[str]) -> dict[str, Any]:
    from lac_validator import lac_validator
    from lac_validator.report import Report
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    registry = get_year_ruleset(year)
    uploads: dict[str, list[str]] = {"This year": this_year}
    if prev_year:
        uploads["Prev year"] = prev_year
    files = process_uploaded_files(uploads)
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": year, "localAuthority": la},
        files=files,
        registry=registry,
        selected_rules=None,
    )
    report = Report(validator.ds_results, registry)
    issues = []
    child_report = report.child_report
    for record in child_report.to_dict("records") if len(child_report) else []:
        code = _text(record.get("Code"))
        fields = list(record.get("Fields") or [])
        context = record.get("Context") or {}
        values = [f"{f}={_text(context.get(f))}" for f in fields if f in context]
        issues.append(
            {
                "rule_code": code,
                # 903 has no query rules: every finding must be fixed.
                "severity": "error",
                "description": _text(record.get("Description")),
                "child_id": _row(record.get("CHILD")),
                "table": _text(record.get("Table")),
                "fields": ", ".join(fields),
                "row": _row(record.get("RowID")),
                "value": "; ".join(values)[:300],
            }
        )
    return {
        "validator": "csc-validator-be-903",
        "version": importlib.metadata.version("csc-validator-be-903"),
        "ruleset": f"lac{int(year) - 1}_{year[-2:]}",
        "rules_run": sorted(str(code) for code in registry),
        "rules": {str(code): _text(rule.message) for code, rule in registry.items()},
        "queries": [],
        "crashed": [
            {"rule_code": str(code), "message": "the rule raised an exception"} for code in validator.fails
        ],
        "skipped": sorted(str(code) for code in validator.skips),
        "issues": issues,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["cin", "903"])
    parser.add_argument("--year", required=True)
    parser.add_argument("--la", default="")
    parser.add_argument("--this", nargs="+", required=True)
    parser.add_argument("--prev", nargs="*", default=[])
    args = parser.parse_args(argv)
    # The 903 validator logs every rule at INFO; keep only what says something went wrong.
    # pandas 1.5 deprecation notices from inside the rules are noise to a council analyst.
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, force=True)
    logging.getLogger().setLevel(logging.WARNING)
    started = time.perf_counter()
    real_stdout = sys.stdout
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):
            if args.kind == "cin":
                result = validate_cin(args.year, args.this[0])
            else:
                result = validate_903(args.year, args.la, args.this, args.prev)
    except Exception as exc:
        real_stdout.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 3
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["log"] = chatter.getvalue()[-4000:]
    real_stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
