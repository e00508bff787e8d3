"""`safehub returns ssda903 --year YYYY --out DIR --as-user EMAIL`: one CSV per 903 table.

The return is kept (ProducedReturn) as well as written, so the year can later be marked submitted
and feed next year's cross-year rules. Values the DfE lists do not have are left out and listed
here, child by child, for fixing in the record.
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safehub.platform.errors import PermissionRefused

from ..cin.command import write_private
from ..command_user import returns_actor
from .produce import ssda903_produce
from .tables import TABLE_FOR_FILE

NAME = "ssda903"
HELP = "Produce the SSDA903 tables for a collection year, one CSV per table."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--year",
        type=int,
        required=True,
        help="The collection's end year (2026 = 1 April 2025 to 31 March 2026).",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="Directory for the CSV files (created if need be)."
    )
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="(default: SAFEHUB_RETURNS_USER) The user the return is produced (and audited) as; needs 'prepare returns'.",
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    year = options["year"]
    if not 2000 <= year <= 2100:
        raise CommandError(f"--year {year} is not a collection year (e.g. 2026 for 2025-26).")
    out = Path(options["out"])
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out} is a file, not a directory.")
    actor = returns_actor(options.get("as_user"))
    started = time.monotonic()
    try:
        result = ssda903_produce(actor=actor, year=year)
    except PermissionRefused as exc:
        raise CommandError(str(exc)) from exc
    if not out.exists():
        try:
            # Only its owner may list or open the tables (every looked-after child is in them);
            # created 0700 at once, then set again in case the umask took bits away.
            out.mkdir(mode=0o700, parents=True)
            out.chmod(0o700)
        except OSError as error:
            raise CommandError(f"--out {out}: cannot create it: {error.strerror or error}") from error
    for name, content in sorted(result.files.items()):
        write_private(out / name, content, option="--out")
    seconds = time.monotonic() - started
    write = command.stdout.write
    write(f"SSDA903 {year - 1}-{year % 100:02d}: {len(result.build.person_ids)} children")
    for name in sorted(result.files):
        table = TABLE_FOR_FILE[name]
        write(f"  {table:<15} {len(result.build.tables.get(table, [])):>7} rows  {out / name}")
    for problem in result.build.problems:
        write(f"  data problem: child {problem.child}, {problem.table}.{problem.field}: {problem.problem}")
    write(f"Kept as return {result.produced.pk}; {seconds:.1f} s.")
