"""`safehub returns annex-a`: Produce Ofsted Annex A lists 1-11 for an inspection date as one workbook."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "annex-a"
HELP = "Produce Ofsted Annex A lists 1-11 for an inspection date as one workbook."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("annex-a is being built (issue 7).")
