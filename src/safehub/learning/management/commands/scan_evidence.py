"""`safehub scan_evidence`: scan every quarantined or failed piece of action evidence again (R43, R57).

Run it after the scanner comes back, or from cron beside `scan_documents` as a safety net for
scans the task worker never ran. Clean and infected evidence is final and is not touched.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safehub.casework.documents import scanner

from ...models import Evidence
from ...services.evidence import evidence_awaiting_scan, evidence_rescan


class Command(BaseCommand):
    help = "Scan every quarantined or failed piece of action evidence again, and report what each became."

    def handle(self, *args: Any, **options: Any) -> None:
        if scanner.mode() == "off":
            raise CommandError(
                "The virus scanner is not configured (SAFEHUB_CLAMAV mode is off), so nothing can be "
                "scanned. Evidence stays quarantined."
            )
        ids = evidence_awaiting_scan()
        if not ids:
            self.stdout.write(self.style.SUCCESS("No evidence is waiting for a virus scan."))
            return
        self.stdout.write(f"Scanning {len(ids)} piece{'s' if len(ids) != 1 else ''} of evidence")
        counts = evidence_rescan(ids=ids)
        labels = dict(Evidence._meta.get_field("status").choices or [])
        for status, count in sorted(counts.items()):
            self.stdout.write(f"  {labels.get(status, status)}: {count}")
        failed = counts.get("scan_failed", 0)
        if failed:
            self.stderr.write(self.style.WARNING(f"{failed} could not be scanned; they stay unavailable."))
        else:
            self.stdout.write(self.style.SUCCESS("Done."))
