"""`safehub returns import-ssd`: Load a directory of SSD tables (one CSV per table) into Safehub."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "import-ssd"
HELP = "Load a directory of SSD tables (one CSV per table) into Safehub."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("import-ssd is being built (issue 7).")
