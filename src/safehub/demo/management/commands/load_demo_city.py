"""`safehub load_demo_city`: a synthetic city to try Safehub with (never for production data)."""

import time
import uuid
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safehub.platform import context

from ... import city, loader
from ... import returns as returns_demo
from ...progress import ProgressBar


class Command(BaseCommand):
    help = "Load a synthetic demo city: agencies, teams, a user in every role and a few hundred people."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Seed for names, dates and TOTP secrets.")
        parser.add_argument("--people", type=int, default=300, help="How many people to create.")
        parser.add_argument("--reset", action="store_true", help="Remove the demo people and load again.")
        parser.add_argument(
            "--no-validate",
            action="store_true",
            dest="no_validate",
            help="Produce the demo's returns without checking them with the DfE validators (faster).",
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Run even though DEBUG is off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "Refusing to load demo users with a published password: DEBUG is off. "
                "If this really is a demo or training server, pass --i-know-this-is-not-production."
            )
        if options["people"] < loader.MIN_PEOPLE:
            raise CommandError(f"--people must be at least {loader.MIN_PEOPLE}.")
        context.bind(context.RequestContext(request_id=uuid.uuid4().hex, channel="command"))
        if loader.is_loaded() and not options["reset"]:
            self.stdout.write(
                "The demo city is already loaded (use --reset to wipe its people and load again)."
            )
        else:
            started = time.monotonic()
            bar = ProgressBar(self.stdout, loader.steps(options["people"]))
            self.stdout.write("Loading the demo city...")
            hint = loader.load(
                seed=options["seed"],
                people=options["people"],
                advance=bar.advance,
                validate_returns=not options["no_validate"],
                warn=lambda message: self.stderr.write(self.style.WARNING(message)),
            )
            bar.finish()
            self.stdout.write(self.style.SUCCESS(f"Demo city loaded in {time.monotonic() - started:.1f} s."))
            self.stdout.write(
                "To see a restricted record reported on the find page (/people/find/), sign in as the MASH "
                f"social worker and search for {hint.given_name} {hint.family_name}, born "
                f"{hint.date_of_birth:%d/%m/%Y}."
            )
            self.stdout.write(
                "To see the statutory returns (CIN census, SSDA903) and what the DfE validators found "
                f"(/returns/), sign in as the returns officer ({returns_demo.OFFICER_EMAIL}) or the "
                f"performance analyst ({returns_demo.ANALYST_EMAIL})."
            )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = loader.logins()
        headings = ("Role", "E-mail", "Password", "TOTP secret (base32)", "Code now")
        table = [headings, *((r.role, r.email, r.password, r.secret, r.code) for r in rows)]
        widths = [max(len(row[i]) for row in table) for i in range(len(headings))]
        self.stdout.write("")
        self.stdout.write("Demo logins (synthetic accounts; every one uses the same password):")
        for n, row in enumerate(table):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(
            "Add the secret to an authenticator app, or run `safehub demo_totp <email>` to print "
            "the current code."
        )
        self.stdout.write(f"Every demo address ends @{city.DEMO_DOMAIN}; the data is synthetic.")
