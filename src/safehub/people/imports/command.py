"""`safehub people import-csv FILE --agency CODE --as-user EMAIL [--create-agency] [--errors FILE]`."""

import argparse
import csv
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from safehub.accounts.constants import AgencyKind, Capability
from safehub.accounts.models import Agency, User

from .parsing import ImportFileError
from .runner import DEFAULT_BATCH_SIZE, ImportSummary, run_import
from .services import agency_register_for_import
from .validation import Rejection

NAME = "import-csv"
HELP = "Load an agency's people from a CSV file; a source_id sent before updates that person."
# With --errors, the terminal shows this many refusals and the file has them all.
SHOWN_WITH_ERRORS_FILE = 20
# A file this long without --defer-indexes gets a hint that the flag exists.
DEFER_HINT_ROWS = 100_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="UTF-8 CSV with the header " + ",".join(_header()))
    parser.add_argument("--agency", required=True, metavar="CODE", help="The ODS/URN code of the agency")
    parser.add_argument(
        "--create-agency", action="store_true", help="Register the agency if no agency has this code"
    )
    parser.add_argument(
        "--agency-kind",
        choices=AgencyKind.values,
        default=AgencyKind.CHILDRENS_SERVICES,
        help="The kind of a new agency (with --create-agency); default %(default)s",
    )
    parser.add_argument(
        "--as-user",
        required=True,
        metavar="EMAIL",
        help="The user the import is recorded as (needs the edit-people function)",
    )
    parser.add_argument("--errors", type=Path, metavar="FILE", help="Write every refused row to this CSV")
    parser.add_argument(
        "--defer-indexes",
        action="store_true",
        help=(
            "For a large load into a small or empty index: drop the non-unique indexes of the people "
            "tables during the load and rebuild them at the end (much faster; other users' searches "
            "are slow meanwhile). Unique indexes stay in force. See docs/operations/bulk-import.md"
        ),
    )
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=argparse.SUPPRESS)


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    actor = _actor(options["as_user"])
    agency = _agency(actor, options["agency"], create=options["create_agency"], kind=options["agency_kind"])
    path: Path = options["file"]
    if options["batch_size"] < 1:
        raise CommandError("--batch-size must be at least 1")
    try:
        total = _count_rows(path)
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
    progress = _Progress(command.stderr, total)
    report = _Report(command.stderr, options["errors"], progress)
    if total >= DEFER_HINT_ROWS and not options["defer_indexes"]:
        progress.status(
            f"{total:,} rows: into a new or quiet index, --defer-indexes loads this much faster "
            "(docs/operations/bulk-import.md)"
        )
    try:
        with stream:
            summary = run_import(
                stream,
                actor=actor,
                agency=agency,
                batch_size=options["batch_size"],
                on_rejection=report.add,
                on_progress=progress.update,
                on_status=progress.status,
                defer_indexes=options["defer_indexes"],
            )
    except ImportFileError as error:
        raise CommandError(str(error)) from error
    finally:
        progress.finish()
        report.close()
    command.stdout.write(_summary_line(summary, agency, progress.seconds))
    if summary.rejected:
        where = f"; every reason is in {options['errors']}" if options["errors"] else ""
        raise CommandError(f"{summary.rejected} rows were not loaded{where}", returncode=2)


def _header() -> tuple[str, ...]:
    from .parsing import HEADER

    return HEADER


def _actor(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user has the email address {email}")
    if not user.is_active:
        raise CommandError(f"{user.email} is deactivated, so cannot import")
    if not user.has_capability(Capability.EDIT_PEOPLE):
        raise CommandError(
            f"{user.email} may not import people: their role lacks '{Capability.EDIT_PEOPLE.label}'"
        )
    return user


def _agency(actor: User, code: str, *, create: bool, kind: str) -> Agency:
    code = code.strip()
    if not code:
        raise CommandError("--agency must be the agency's code, not empty")
    matches = list(Agency.objects.filter(ods_code=code)[:2])
    if len(matches) > 1:
        raise CommandError(f"More than one agency has the code {code}: correct the agencies first")
    if matches:
        if not matches[0].is_active:
            raise CommandError(f"The agency {matches[0].name} ({code}) is closed")
        return matches[0]
    if not create:
        raise CommandError(
            f"No agency has the code {code}. Check the code, or add --create-agency to register it"
        )
    try:
        return agency_register_for_import(actor=actor, code=code, kind=kind)
    except Exception as error:  # ValidationError text is the useful part
        messages = getattr(error, "messages", [str(error)])
        raise CommandError(f"Cannot register the agency {code}: {'; '.join(messages)}") from error


def _count_rows(path: Path) -> int:
    """Lines after the header: the progress bar's 100% (a quoted value spanning lines only overcounts)."""
    with path.open("rb") as raw:
        return max(sum(1 for _ in raw) - 1, 0)


def _summary_line(summary: ImportSummary, agency: Agency, seconds: float) -> str:
    rate = summary.rows / seconds if seconds > 0 else 0.0
    return (
        f"{summary.rows} rows from {agency.name}: {summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected ({seconds:.1f}s, {rate:,.0f} rows/s)"
    )


class _Report:
    """Refusals to the terminal (all of them, or the first few when they also go to a file)."""

    def __init__(self, out: Any, errors_path: Path | None, progress: "_Progress") -> None:
        self.out, self.progress, self.shown, self.count = out, progress, 0, 0
        self.file: TextIO | None = None
        if errors_path is not None:
            try:
                self.file = errors_path.open("w", encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(f"Cannot write {errors_path}: {error.strerror or error}") from error
            self.writer = csv.writer(self.file, lineterminator="\n")
            self.writer.writerow(("line", "source_id", "field", "reason"))
        self.path = errors_path

    def add(self, rejection: Rejection) -> None:
        self.count += 1
        if self.file is not None:
            self.writer.writerow((rejection.line, rejection.source_id, rejection.field, rejection.reason))
        if self.file is None or self.shown < SHOWN_WITH_ERRORS_FILE:
            self.shown += 1
            self.progress.break_line()
            self.out.write(
                f"line {rejection.line} ({rejection.source_id or 'no source_id'}): "
                f"{rejection.field}: {rejection.reason}"
            )

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            if self.count > self.shown:
                self.out.write(f"... and {self.count - self.shown} more reasons in {self.path}")


class _Progress:
    """A one-line bar with the rate, redrawn at most once a second (a log file stays short)."""

    WIDTH = 30

    def __init__(self, out: Any, total: int) -> None:
        self.out, self.total = out, max(total, 1)
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.done = 0
        self.inline = False

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.last_drawn < 1 and done < self.total:
            return
        self.last_drawn = now
        filled = min(self.WIDTH, self.WIDTH * done // self.total)
        rate = done / max(now - self.started, 1e-9)
        self.out.write(
            f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] {done:,}/{self.total:,} rows {rate:,.0f} rows/s",
            ending="",
        )
        self.out.flush()
        self.inline = True

    def break_line(self) -> None:
        """End the bar's line, so the next message starts on its own line."""
        if self.inline:
            self.out.write("")
            self.inline = False

    def status(self, message: str) -> None:
        """A step outside the batches (dropping, rebuilding an index) on its own line, timed."""
        self.break_line()
        self.out.write(f"[{self.seconds:7.1f}s] {message}")
        self.out.flush()

    finish = break_line
