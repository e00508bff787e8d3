"""`safehub returns validate cin|903 --year YYYY PATH`: check a return with the DfE validators.

PATH is the CIN census XML, or the directory of 903 CSVs (`--prev DIR` adds last year's, for the
cross-year rules). Prints each failing error rule (code, count, description), then the queries,
then the rules excluded or crashed. Exit status: 0 when no error rule fails (queries alone do not
fail a return), 1 when any does, 2 when the validator cannot run.
"""

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from .runner import ValidatorUnavailable
from .services import run_files, split_findings

NAME = "validate"
HELP = "Check a return with the DfE validators; exit non-zero when an error rule fails."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("kind", choices=["cin", "903"], help="cin (census XML) or 903 (directory of CSVs)")
    parser.add_argument("--year", type=int, required=True, help="collection end year, e.g. 2026")
    parser.add_argument("path", help="the CIN XML file, or the directory holding the 903 CSVs")
    parser.add_argument("--prev", help="903 only: directory of last year's CSVs")


def _read(kind: str, path: Path) -> dict[str, bytes]:
    if kind == "cin":
        if not path.is_file():
            raise ValidatorUnavailable(f"PATH: {path} is not a file (the CIN census XML).")
        return {path.name: path.read_bytes()}
    if not path.is_dir():
        raise ValidatorUnavailable(f"PATH: {path} is not a directory (of the 903 CSVs).")
    files = {p.name: p.read_bytes() for p in sorted(path.glob("*.csv"))}
    if not files:
        raise ValidatorUnavailable(f"PATH: {path} holds no .csv files.")
    return files


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    kind: str = options["kind"]
    year: int = options["year"]
    out, err = command.stdout, command.stderr
    try:
        if not 2000 <= year <= 2100:
            raise ValidatorUnavailable(f"--year: {year} is not a collection end year such as 2026.")
        files = _read(kind, Path(options["path"]))
        prev = _read(kind, Path(options["prev"])) if kind == "903" and options.get("prev") else {}
        result = run_files(kind, year, files, prev)
    except ValidatorUnavailable as exc:
        err.write(str(exc))
        sys.exit(2)
    kept, left_out, crashed = split_findings(kind, result)
    # A finding is counted once per place (child, table, row), however many fields it names.
    places = {(i.rule_code, i.severity, i.child_id, i.table, i.row) for i in kept}
    errors = Counter(code for code, severity, *_ in places if severity != "query")
    queries = Counter(code for code, severity, *_ in places if severity == "query")
    out.write(
        f"{result.validator} {result.version}, ruleset {result.ruleset}: {len(result.rules_run)} rules "
        f"in {result.seconds:.1f} s"
    )
    out.write(f"Errors: {sum(errors.values())} in {len(errors)} rules")
    for code, count in sorted(errors.items()):
        out.write(f"  {code:>6}  {count:>5}  {result.rules.get(code, '')}")
    out.write(f"Queries (explain or fix): {sum(queries.values())} in {len(queries)} rules")
    for code, count in sorted(queries.items()):
        out.write(f"  {code:>6}  {count:>5}  {result.rules.get(code, '')}")
    for rule in left_out:
        state = "crashed" if rule["crashed"] else f"{rule['count']} findings"
        out.write(f"Excluded {rule['rule_code']} ({state}): {rule['reason']}")
    for rule in crashed:
        out.write(f"Crashed {rule['rule_code']}: {rule['message']}")
    if errors or crashed:
        sys.exit(1)
