"""`safehub returns SUBCOMMAND ...`: data in and out (issue 7, ADR 0006).

Each subcommand lives beside the code it drives and offers NAME, HELP, `add_arguments(parser)`
and `handle(command, options)`, as `safehub people` does.
"""

import argparse
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safehub.returns.annex_a import command as annex_a
from safehub.returns.cin import command as cin_census
from safehub.returns.dfe_api import command as dfe_api
from safehub.returns.ssd import command_export as export_ssd
from safehub.returns.ssd import command_import as import_ssd
from safehub.returns.ssda903 import command as ssda903
from safehub.returns.validation import command as validate

SUBCOMMANDS: tuple[ModuleType, ...] = (
    import_ssd,
    export_ssd,
    cin_census,
    ssda903,
    annex_a,
    dfe_api,
    validate,
)


class Command(BaseCommand):
    help = "Data in and out: " + ", ".join(module.NAME for module in SUBCOMMANDS)

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
