"""`safehub sync_reference_data`: load the CIN, SSDA903 and SSD code lists; safe to run again."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safehub.platform import clock

from ...loaders import LoadedFile, SourceError
from ...services import reference_data_sync


class Command(BaseCommand):
    help = (
        "Bring the code lists up to date from the reference files (CIN census XSD, SSDA903 schema, "
        "SSD code CSVs). Codes that leave a source are disabled from today, never deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            default=None,
            help="Directory of reference files (default: the SAFEHUB_REFERENCE_DIR setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change and write nothing."
        )
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help="If the reference directory does not exist, warn and exit successfully.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"] or settings.SAFEHUB_REFERENCE_DIR).expanduser()
        if not source.is_dir():
            message = (
                f"The reference data directory {source} does not exist. It should hold "
                "CIN_schema_<year>.xsd, SSDA903_schema_<year>.yml and ssd_codes/*.csv. Point "
                "--source or the SAFEHUB_REFERENCE_DIR environment variable at it."
            )
            if options["allow_missing"]:
                self.stderr.write(self.style.WARNING(f"Warning: {message} Nothing was synced."))
                return
            raise CommandError(message)

        dry_run = options["dry_run"]
        self.stdout.write(f"Reading reference data from {source}{' (dry run)' if dry_run else ''}")
        try:
            report = reference_data_sync(
                actor=None, source_dir=source, today=clock.today(), dry_run=dry_run, progress=self._progress
            )
        except SourceError as exc:
            raise CommandError(f"Nothing was synced: {exc}") from exc

        for label, items in (
            ("Lists created", report.lists_created),
            ("Lists updated", report.lists_updated),
            ("Codes disabled", report.codes_disabled),
            ("Codes re-enabled", report.codes_reenabled),
        ):
            if items and len(items) <= 50:
                self.stdout.write(f"  {label}: {', '.join(items)}")
        verb = "Would apply" if dry_run else "Applied"
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"{verb}: {report.summary()}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Already up to date: {report.summary()}."))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _progress(self, loaded: LoadedFile) -> None:
        self.stdout.write(f"  {loaded.path}: {len(loaded.lists)} lists, {loaded.code_count} codes")
