"""`safehub returns export-ssd DIR --as-user EMAIL`: every SSD table Safehub holds, one CSV each."""

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ..command_user import returns_actor
from .export import run_export

NAME = "export-ssd"
HELP = "Write Safehub's records as SSD tables, one CSV per table."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory", type=Path, metavar="DIR", help="Where to write <table>.csv (created if missing)"
    )
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="(default: SAFEHUB_RETURNS_USER) The user the export is recorded as (needs prepare returns)",
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    actor = returns_actor(options["as_user"], doing="export")
    directory: Path = options["directory"]
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory} is a file; give a directory")
    try:
        written = run_export(directory, actor=actor)
    except OSError as error:
        raise CommandError(f"Cannot write to {directory}: {error.strerror or error}") from error
    for table, count in written.items():
        command.stdout.write(f"{table}: {count:,} rows")
    command.stdout.write(f"{sum(written.values()):,} rows in {len(written)} tables written to {directory}")
