"""`safehub returns import-ssd DIR [--report FILE] [--resume] [--batch-size N] [--workers N] --as-user EMAIL`.

Exit status 0 when the import ran, even with refused rows (they are in the report); non-zero only
when it could not run (no such user or directory, nothing to resume, a failure that stopped it).
"""

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ..command_user import returns_actor
from ._parallel import MAX_WORKERS, default_workers
from .report import summary_text
from .runner import DEFAULT_BATCH_SIZE, ImportCannotRun, run_import

NAME = "import-ssd"
HELP = "Load a directory of SSD tables (one CSV per table) into Safehub."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR", help="A directory of <table>.csv files")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="Write every refused row as CSV: table,row_id,field,problem",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="Carry on the latest unfinished import from its last committed batch",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help="Rows per transaction (default %(default)s)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help=f"Processes that load the casework and care tables side by side, a share of the children "
        f"each (default %(default)s: this machine's cores, at most {MAX_WORKERS}; 1: all in this one)",
    )
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="(default: SAFEHUB_RETURNS_USER) The user the import is recorded as (needs prepare returns)",
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    actor = returns_actor(options["as_user"], doing="import")
    if options["batch_size"] < 1:
        raise CommandError("--batch-size must be at least 1")
    if options["workers"] < 1:
        raise CommandError("--workers must be at least 1")
    report = options.get("report")
    if report is not None and not Path(report).parent.is_dir():
        raise CommandError(f"--report {report}: the directory {Path(report).parent} does not exist")
    progress = Progress(command.stderr)
    try:
        run = run_import(
            options["directory"],
            actor=actor,
            report_path=report,
            resume=options["resume"],
            batch_size=options["batch_size"],
            on_progress=progress.update,
            workers=options["workers"],
        )
    except ImportCannotRun as error:
        raise CommandError(str(error)) from error
    except Exception as error:
        progress.finish()
        raise CommandError(
            f"The import stopped: {error}. Batches already committed stay; run again with --resume."
        ) from error
    progress.finish()
    command.stdout.write(summary_text(run))
    for note in getattr(run, "notes", []):
        command.stdout.write(note)
    if run.rows_rejected:
        where = f" (every reason is in {report})" if report else " (add --report FILE for the reasons)"
        command.stdout.write(f"{run.rows_rejected:,} rows were not loaded{where}.")


class Progress:
    """A one-line bar on stderr, redrawn at most once a second so a log file stays short."""

    WIDTH = 30

    def __init__(self, out: Any) -> None:
        self.out = out
        self.started = time.monotonic()
        self.last = 0.0
        self.inline = False

    def update(self, done: int, total: int, table: str) -> None:
        now = time.monotonic()
        if now - self.last < 1 and done < total:
            return
        self.last = now
        total = max(total, 1)
        filled = min(self.WIDTH, self.WIDTH * done // total)
        rate = done / max(now - self.started, 1e-9)
        self.out.write(
            f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] {done:,}/{total:,} rows {rate:,.0f} rows/s {table}",
            ending="",
        )
        self.out.flush()
        self.inline = True

    def finish(self) -> None:
        if self.inline:
            self.out.write("")
            self.inline = False
