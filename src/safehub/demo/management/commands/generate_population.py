"""`safehub generate_population`: synthetic people as CSV files for the matching benchmarks.

Writes files only; never touches the database, so it is safe on any settings.
"""

import math
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...population import write_files
from ...population.writer import PROGRESS_EVERY
from ...progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Write a synthetic population (population.csv, truth.csv) and, with --queries, query files "
        "with their answers (queries.csv, queries_truth.csv) to DIR. Synthetic people only."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="How many real (true) persons.")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same files.")
        parser.add_argument("--out", type=Path, required=True, help="Directory for the CSV files.")
        parser.add_argument(
            "--queries", type=int, default=0, help="How many queries to write (default none)."
        )
        parser.add_argument(
            "--duplicate-rate",
            type=float,
            default=0.15,
            help="Share of persons with a second, corrupted record (default 0.15).",
        )
        parser.add_argument(
            "--in-index-ratio",
            type=float,
            default=0.8,
            help="Share of queries that are people in the index (default 0.8).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people, queries = options["people"], options["queries"]
        if people < 1:
            raise CommandError("--people must be at least 1.")
        if queries < 0:
            raise CommandError("--queries must not be negative.")
        if not 0 <= options["duplicate_rate"] <= 1:
            raise CommandError("--duplicate-rate must be between 0 and 1.")
        if not 0 <= options["in_index_ratio"] <= 1:
            raise CommandError("--in-index-ratio must be between 0 and 1.")
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} exists and is not a directory.")
        bar = ProgressBar(self.stderr, math.ceil(people / PROGRESS_EVERY) + (1 if queries else 0))
        summary = write_files(
            out,
            people=people,
            seed=options["seed"],
            duplicate_rate=options["duplicate_rate"],
            queries=queries,
            in_index_ratio=options["in_index_ratio"],
            advance=bar.advance,
        )
        bar.finish()
        self.stdout.write(
            f"{summary.persons} persons, {summary.records} records "
            f"({summary.duplicates} duplicates, {summary.duplicate_rate:.1%} of persons)"
        )
        if queries:
            self.stdout.write(
                f"{summary.queries} queries ({summary.queries_in_index} of people in the index, "
                f"{summary.queries - summary.queries_in_index} not in it)"
            )
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.corruptions.items()))
        self.stdout.write(f"Corruptions in duplicates: {kinds or 'none'}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out} in {summary.seconds:.1f} s; peak memory {summary.peak_rss_mb:.0f} MB."
            )
        )
