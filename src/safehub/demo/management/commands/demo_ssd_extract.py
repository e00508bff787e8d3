"""`safehub demo_ssd_extract`: a synthetic city as an SSD extract (one CSV per table) for tests and
benchmarks of `safehub returns import-ssd`. Writes files only; never touches the database."""

import math
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...progress import ProgressBar
from ...ssd_extract import write_ssd_extract
from ...ssd_extract.writer import PROGRESS_EVERY


class Command(BaseCommand):
    help = (
        "Write a synthetic city's SSD extract (one <table>.csv per SSD table) to --out. Synthetic data only."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--children", type=int, required=True, help="Children with social care involvement."
        )
        parser.add_argument("--years", type=int, default=6, help="Years of history (default 6).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same files.")
        parser.add_argument(
            "--out", type=Path, default=Path("var/ssd_extract"), help="Directory for the CSVs."
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The extract's date, YYYY-MM-DD (default today).",
        )
        parser.add_argument(
            "--dirty",
            type=float,
            default=0.0,
            metavar="PERCENT",
            help="Percent of children given a duplicate person row with a typo (for the matcher).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        children, years, dirty = options["children"], options["years"], options["dirty"]
        if children < 1:
            raise CommandError("--children must be at least 1.")
        if years < 1:
            raise CommandError("--years must be at least 1.")
        if not 0 <= dirty <= 100:
            raise CommandError("--dirty must be a percentage between 0 and 100.")
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} exists and is not a directory.")
        bar = ProgressBar(self.stderr, math.ceil(children / PROGRESS_EVERY))
        summary = write_ssd_extract(
            out,
            children=children,
            years=years,
            seed=options["seed"],
            today=options["today"] or date.today(),
            dirty=dirty / 100,
            advance=bar.advance,
            strict=False,
        )
        bar.finish()
        stats = summary.stats
        self.stdout.write(
            f"{summary.children} children, {summary.total_rows} rows in {len(summary.rows)} tables: "
            f"{stats.get('referrals', 0)} referrals, {stats.get('cp_plans', 0)} CP plans, "
            f"{stats.get('looked_after', 0)} looked after, {stats.get('duplicates', 0)} duplicate persons"
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}"))
