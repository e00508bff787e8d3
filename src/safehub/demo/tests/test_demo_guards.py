"""The demo loader's guards: it refuses a production-like server, and demo_totp needs a loaded city.

Kept apart from test_load_demo_city.py, whose tests all share one loaded city: these need an
empty database. That module's city is loaded with DEBUG on and without the flag, which is the test
that the guard lets a development server through."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safehub.accounts.models import User

pytestmark = pytest.mark.django_db


def test_refuses_without_debug_or_the_explicit_flag() -> None:
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_city", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_totp_for_an_unknown_demo_address_says_to_load_first() -> None:
    with pytest.raises(CommandError, match="load_demo_city"):
        call_command("demo_totp", "nobody@demo.safehub.test", stdout=io.StringIO())
