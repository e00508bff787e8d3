"""`safehub restore_database --input PATH --yes`: put a backup back, with Safehub stopped (R54).

Afterwards run `safehub verify_audit_chain`; on PostgreSQL also `safehub audit_grant_app_role`.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safehub.platform import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database. Stop the app servers and the task worker first. "
        "Replaces everything in the target database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--target",
            help="SQLite: the database file to write; PostgreSQL: an existing database name. "
            "Defaults to the configured database.",
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the target's current contents may be replaced."
        )

    def handle(
        self, *args: Any, input: Path, target: str | None, database: str, yes: bool, **options: Any
    ) -> None:
        if not yes:
            raise CommandError("Restoring replaces the target database; add --yes to confirm.")
        try:
            result = backup.restore(input, using=database, target=target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.source} into {result.vendor} database {result.destination} "
                f"in {result.seconds:.1f} s ({result.note}). Now run `safehub verify_audit_chain`."
            )
        )
