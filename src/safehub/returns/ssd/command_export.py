"""`safehub returns export-ssd`: Write Safehub's records as SSD tables, one CSV per table."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "export-ssd"
HELP = "Write Safehub's records as SSD tables, one CSV per table."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("export-ssd is being built (issue 7).")
