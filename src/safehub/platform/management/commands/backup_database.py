"""`safehub backup_database --output PATH`: an online, checked copy of the database (R54)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safehub.platform import backup


class Command(BaseCommand):
    help = (
        "Back up the database while Safehub runs: SQLite's online backup API then integrity_check, "
        "or pg_dump in custom format on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="Where to write the backup file.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file at --output.")

    def handle(self, *args: Any, output: Path, database: str, force: bool, **options: Any) -> None:
        try:
            result = backup.backup(output, using=database, overwrite=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {result.vendor} database {result.source} to {result.destination}: "
                f"{result.size_bytes / 1_000_000:.1f} MB in {result.seconds:.1f} s ({result.note})."
            )
        )
