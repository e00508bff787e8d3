"""`safehub reporting SUBCOMMAND ...`: performance indicators (issue 8, ADR 0009)."""

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safehub.reporting.indicators.base import Indicator
from safehub.reporting.indicators.table import figures, write_csv
from safehub.reporting.services import population_for, population_set
from safehub.reporting.services.population import FIRST_YEAR, LAST_YEAR


class Command(BaseCommand):
    help = "Performance indicators: set-population, indicators"

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        population: argparse.ArgumentParser = subcommands.add_parser(
            "set-population",
            help="Set the under-18 population (ONS mid-year estimate) for a collection year's rates",
        )
        population.add_argument(
            "--year", type=int, required=True, help="The year the collection ends (31 March)"
        )
        population.add_argument("--count", type=int, required=True, help="Children under 18")
        population.add_argument(
            "--source", default="", help="Where the figure comes from, e.g. 'ONS mid-2024'"
        )
        table: argparse.ArgumentParser = subcommands.add_parser(
            "indicators", help="Write the collection year's indicators as CSV"
        )
        table.add_argument("--year", type=int, required=True, help="The year the collection ends (31 March)")
        table.add_argument("--out", type=Path, required=True, metavar="FILE.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "set-population":
            self._set_population(options)
        else:
            self._indicators(options)

    def _set_population(self, options: dict[str, Any]) -> None:
        try:
            estimate = population_set(
                actor=None,
                actor_label="safehub reporting set-population",
                year=options["year"],
                children=options["count"],
                source=options["source"],
            )
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            flag = {"children": "--count", "year": "--year"}.get(field, f"--{field}")
            raise CommandError(f"{flag}: {' '.join(messages)}") from error
        self.stdout.write(f"Set: {estimate}.")

    def _indicators(self, options: dict[str, Any]) -> None:
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the directory {out.parent} does not exist")
        year = options["year"]
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"--year {year}: give the year the collection ends, e.g. 2026")
        if population_for(year) is None:
            self.stderr.write(
                f"No population is set for {year}: rates per 10,000 are left empty (no data). "
                f"Set one with `safehub reporting set-population --year {year} --count N`."
            )
        written = write_csv(out, figures(year, on_indicator=self._progress))
        if sys.stderr.isatty():
            self.stderr.write("")
        self.stdout.write(f"Wrote {written} indicators for 1 April {year - 1} to 31 March {year} to {out}.")

    def _progress(self, indicator: Indicator) -> None:
        # Each indicator reads its records once; a line per indicator on a terminal shows it moving.
        if sys.stderr.isatty():
            self.stderr.write(f"\r{indicator.id:<40}", ending="")
            self.stderr.flush()
