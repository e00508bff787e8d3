"""`safehub people SUBCOMMAND ...`: administrators' bulk operations on the person index.

Each subcommand lives in its own module beside the code it drives (`safehub.people.imports.command`
for import-csv) and offers NAME, HELP, `add_arguments(parser)` and `handle(command, options)`; adding
one (match-file, train-matcher, dedupe) is a module and a line in SUBCOMMANDS.
"""

import argparse
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safehub.people.dedupe import command as dedupe
from safehub.people.imports import command as import_csv
from safehub.people.matching import match_file
from safehub.people.matching import train as train_matcher

SUBCOMMANDS: tuple[ModuleType, ...] = (import_csv, dedupe, train_matcher, match_file)


class Command(BaseCommand):
    help = "Bulk operations on the person index: " + ", ".join(module.NAME for module in SUBCOMMANDS)

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for module in SUBCOMMANDS:
            sub: argparse.ArgumentParser = subcommands.add_parser(
                module.NAME, help=module.HELP, description=module.HELP
            )
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        for module in SUBCOMMANDS:
            if options["subcommand"] == module.NAME:
                module.handle(self, options)
                return
