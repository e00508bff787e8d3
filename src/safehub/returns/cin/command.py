"""`safehub returns cin-census`: Produce the CIN census XML for a collection year."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "cin-census"
HELP = "Produce the CIN census XML for a collection year."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("cin-census is being built (issue 7).")
