"""`safehub returns ssda903`: Produce the SSDA903 tables for a collection year, one CSV per table."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "ssda903"
HELP = "Produce the SSDA903 tables for a collection year, one CSV per table."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("ssda903 is being built (issue 7).")
