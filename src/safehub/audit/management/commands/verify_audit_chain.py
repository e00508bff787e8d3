"""`safehub verify_audit_chain`: check every link of the audit trail; name the first broken one (R29)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safehub.audit.services import verify_audit_chain


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_audit_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at seq {report.first_broken_seq}: {report.problem}. "
                f"{report.checked} events verified before it."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified."))
