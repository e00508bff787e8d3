"""`safehub scan_documents`: scan every quarantined or failed upload again (R43, R57).

Run it after the scanner comes back, after setting SAFEHUB_CLAMAV, or from cron as a safety net for
scans the task worker never ran. Clean and infected documents are final and are not touched.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...documents import scanner
from ...models import Document
from ...services.documents import documents_awaiting_scan, documents_rescan


class ProgressBar:
    """A plain-text bar: redrawn only when it visibly moves, so a log file gets tens of lines."""

    def __init__(self, out: Any, total: int, width: int = 40) -> None:
        self.out, self.total, self.width, self.done, self._last = out, max(total, 1), width, 0, -1

    def advance(self) -> None:
        self.done = min(self.done + 1, self.total)
        filled = self.width * self.done // self.total
        if filled != self._last or self.done == self.total:
            self._last = filled
            bar = "#" * filled + "-" * (self.width - filled)
            self.out.write(
                f"\r[{bar}] {100 * self.done // self.total:3d}% {self.done}/{self.total}", ending=""
            )
            self.out.flush()

    def finish(self) -> None:
        self.out.write("")


class Command(BaseCommand):
    help = "Scan every quarantined or failed document again, and report what each became."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if scanner.mode() == "off":
            raise CommandError(
                "The virus scanner is not configured (SAFEHUB_CLAMAV mode is off), so nothing can be "
                "scanned. Documents stay quarantined."
            )
        ids = documents_awaiting_scan()
        if not ids:
            self.stdout.write(self.style.SUCCESS("No documents are waiting for a virus scan."))
            return
        self.stdout.write(f"Scanning {len(ids)} document{'s' if len(ids) != 1 else ''}")
        bar = None if options["no_progress"] else ProgressBar(self.stdout, len(ids))
        counts = documents_rescan(ids=ids, progress=(lambda _document: bar.advance()) if bar else None)
        if bar:
            bar.finish()
        labels = dict(Document._meta.get_field("status").choices or [])
        for status, count in sorted(counts.items()):
            self.stdout.write(f"  {labels.get(status, status)}: {count}")
        failed = counts.get("scan_failed", 0)
        if failed:
            self.stderr.write(self.style.WARNING(f"{failed} could not be scanned; they stay unavailable."))
        else:
            self.stdout.write(self.style.SUCCESS("Done."))
