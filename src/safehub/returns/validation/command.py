"""`safehub returns validate`: Check a return with the DfE validators; exit non-zero when an error rule fails."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "validate"
HELP = "Check a return with the DfE validators; exit non-zero when an error rule fails."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("validate is being built (issue 7).")
