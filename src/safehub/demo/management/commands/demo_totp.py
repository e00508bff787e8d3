"""`safehub demo_totp <email>`: the current TOTP code of a demo user, for trying the sign-in."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safehub.accounts.models import User

from ... import city, totp


class Command(BaseCommand):
    help = f"Print the current TOTP code of a demo user (addresses ending @{city.DEMO_DOMAIN} only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        # Only synthetic accounts: a real person's second factor is theirs alone.
        if not city.is_demo_email(email):
            raise CommandError(f"Refusing: only demo accounts (@{city.DEMO_DOMAIN}) have printable codes.")
        user = User.objects.filter(email=email).first()
        secret = totp.stored_secret(user) if user is not None else None
        if not secret:
            raise CommandError(f"No demo user {email} with TOTP. Run `safehub load_demo_city` first.")
        self.stdout.write(totp.code_now(secret))
        self.stderr.write(f"(valid for about {totp.seconds_left()} more seconds)")
