"""`safehub returns annex-a --date YYYY-MM-DD --out FILE.xlsx --as-user EMAIL`: Ofsted Annex A
lists 1-11 for an inspection date as one workbook, kept as a produced return (ADR 0006)."""

import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ..command_user import returns_actor
from ..constants import ReturnKind
from ..services.produce import produced_return_save
from .workbook import build_annex_a

NAME = "annex-a"
HELP = "Produce Ofsted Annex A lists 1-11 for an inspection date as one workbook."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="The inspection date")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx", help="Where to write")
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="(default: SAFEHUB_RETURNS_USER) The user the return is produced (and audited) as",
    )


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise CommandError(f"{option}: '{value}' is not a date; use YYYY-MM-DD, e.g. 2026-03-31") from error


def check_out(path: Path) -> None:
    """Refuse a bad --out before any work, so nothing is produced that cannot be written."""
    if path.exists() and path.is_dir():
        raise CommandError(f"--out: {path} is a directory; give a file name such as annex-a.xlsx")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"--out: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise CommandError(f"--out: the folder {folder} is not writable")


def write_atomically(path: Path, content: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".annex-a-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except OSError as error:
        raise CommandError(f"--out: cannot write {path}: {error.strerror or error}") from error


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    as_at = parse_date(options["date"], "--date")
    actor = returns_actor(options.get("as_user"))
    out: Path = options["out"]
    check_out(out)
    started = time.monotonic()
    content, person_ids = build_annex_a(as_at)
    # Kept (and audited) before the file is written: what left the system is always on record.
    produced = produced_return_save(
        actor=actor,
        kind=ReturnKind.ANNEX_A,
        files={f"annex-a-{as_at.isoformat()}.xlsx": content},
        person_ids=person_ids,
        seconds=time.monotonic() - started,
        as_at=as_at,
    )
    write_atomically(out, content)
    command.stdout.write(
        f"Annex A for {as_at:%d/%m/%Y}: {len(person_ids):,} people named, written to {out} "
        f"(produced return {produced.pk})"
    )
