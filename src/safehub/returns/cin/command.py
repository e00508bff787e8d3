"""`safehub returns cin-census --year YYYY --out FILE.xml --as-user EMAIL`.

Writes the census for the collection ending 31 March YYYY, keeps it as a produced return (with
its file, audited as an export of every child in it) and prints how many children and how long.
Values the DfE lists do not have are left out of the file and listed, one line each.
"""

import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ..command_user import returns_actor
from ..constants import ReturnKind
from ..services.produce import produced_return_save
from .builder import census_build

NAME = "cin-census"
HELP = "Produce the CIN census XML for a collection year."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--year",
        type=int,
        required=True,
        help="The collection's end year: 2026 for 1 April 2025 to 31 March 2026",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.xml", help="Where to write the XML")
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="(default: SAFEHUB_RETURNS_USER) Who the return is recorded as produced by (needs the prepare-returns function)",
    )


def write_private(path: Path, content: bytes, *, option: str) -> None:
    """Write `path` readable by its owner alone (0600): it names every child in the return."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as out:
            # A file that was already there keeps its old mode through os.open: set it.
            os.fchmod(out.fileno(), 0o600)
            out.write(content)
    except OSError as error:
        raise CommandError(f"{option} {path}: cannot write it: {error.strerror or error}") from error


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    out: Path = options["out"]
    if out.exists() and out.is_dir():
        raise CommandError(f"--out {out} is a directory; give a file name")
    if not out.parent.exists():
        raise CommandError(f"--out {out}: the directory {out.parent} does not exist")
    actor = returns_actor(options.get("as_user"))
    started = time.perf_counter()
    try:
        with transaction.atomic():
            census = census_build(options["year"])
            seconds = time.perf_counter() - started
            produced_return_save(
                actor=actor,
                kind=ReturnKind.CIN,
                files={f"cin_{options['year']}.xml": census.xml},
                person_ids=census.person_ids,
                seconds=seconds,
                year=options["year"],
            )
    except ValueError as error:
        raise CommandError(str(error)) from error
    # Written after the return is kept, so a file on disk always has its record.
    write_private(out, census.xml, option="--out")
    command.stdout.write(
        f"{len(census.person_ids):,} children in the CIN census {options['year']} "
        f"({census.period.start:%d/%m/%Y} to {census.period.reference_date:%d/%m/%Y}), "
        f"written to {out} in {seconds:.1f}s"
    )
    if census.problems:
        command.stdout.write(
            f"{len(census.problems):,} values left out because the DfE lists do not have them:"
        )
        for problem in census.problems:
            command.stdout.write(f"  {problem.child_id} {problem.field} {problem.value!r}: {problem.message}")
