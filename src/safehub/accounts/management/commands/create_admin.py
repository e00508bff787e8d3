"""`safehub create_admin --email ... --name ...`: the first system administrator (R12).

The password is typed twice at a prompt, or read from an environment variable with
`--password-from-env VAR` for scripted installs; it is never a command-line argument, where it
would land in shell history and the process list. The administrator must set up a second
factor at their first sign-in (the MFA middleware enforces it).
"""

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safehub.platform import context

from ...services import admin_bootstrap


class Command(BaseCommand):
    help = "Create the first system administrator. They must set up a second factor when they first sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--email", required=True, help="The administrator's email address (their sign-in)."
        )
        parser.add_argument("--name", required=True, help="The administrator's full name.")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the administrator even though an active system administrator already exists.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_from_env"])
        token = context.bind(context.RequestContext(channel="command"))
        try:
            user = admin_bootstrap(
                email=options["email"], full_name=options["name"], password=password, force=options["force"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        finally:
            context.reset(token)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created system administrator {user.email}. At first sign-in they must set up an authenticator app."
            )
        )

    def _password(self, variable: str | None) -> str:
        if variable:
            value = os.environ.get(variable, "")
            if not value:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            return value
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The two passwords do not match.")
        return first
