"""`safehub returns dfe-api`: Build the DfE children's social care API feed (snapshot or delta); send it when configured."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

NAME = "dfe-api"
HELP = "Build the DfE children's social care API feed (snapshot or delta); send it when configured."


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("dfe-api is being built (issue 7).")
