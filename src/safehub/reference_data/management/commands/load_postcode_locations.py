"""`safehub load_postcode_locations FILE.csv [--replace] [--format codepoint]`: postcode grid
references for distances. See services/postcodes.py for the layouts it reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...services.postcodes import (
    BATCH_SIZE,
    CODEPOINT,
    HEADER,
    LoadReport,
    NothingLoaded,
    UnknownLayout,
    postcode_locations_load,
)


class Command(BaseCommand):
    help = (
        "Load postcode locations from a CSV with a header row: postcode,easting,northing[,local_authority], "
        "or the ONS Postcode Directory (pcds, oseast1m, osnrth1m, oslaua or lad..cd). An OS Code-Point "
        "Open file (no header) needs --format codepoint. Existing postcodes are updated; rejected rows "
        "are listed with their line numbers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every stored location first (in the same transaction).",
        )
        parser.add_argument(
            "--format",
            choices=(HEADER, CODEPOINT),
            default=HEADER,
            help="header (default): columns named by the header row; codepoint: OS Code-Point Open, no header.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows written per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]).expanduser()
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        shown = {"percent": -1}

        def progress(done: int, total: int) -> None:
            # Plain percent lines on stderr: readable in a log file as well as a terminal.
            percent = 100 if total == 0 else min(100, done * 100 // total)
            if percent > shown["percent"]:
                shown["percent"] = percent
                self.stderr.write(f"Loading {path.name}: {percent}% ({done:,} of {total:,} lines)")

        try:
            report = postcode_locations_load(
                path,
                replace=options["replace"],
                batch_size=max(1, options["batch_size"]),
                progress=progress,
                layout=options["format"],
            )
        except UnknownLayout as error:
            raise CommandError(f"{path.name}: {error} Nothing was loaded.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path.name} is not a UTF-8 text file: {error}") from error
        except NothingLoaded as nothing:
            self._rejections(nothing.report)
            raise CommandError(
                f"Nothing was loaded: none of the {nothing.report.rows:,} rows could be used, "
                "and the stored locations were left as they were."
            ) from None
        self._rejections(report)
        summary = f"{report.loaded:,} postcodes loaded, {len(report.rejected):,} rows rejected, of {report.rows:,} rows read."
        if options["replace"]:
            summary += f" {report.deleted:,} stored locations were replaced."
        self.stdout.write(self.style.SUCCESS(summary))

    def _rejections(self, report: LoadReport) -> None:
        for rejected in report.rejected:
            shown_code = f" ({rejected.postcode})" if rejected.postcode else ""
            self.stderr.write(f"Line {rejected.line}{shown_code} rejected: {rejected.reason}.")
