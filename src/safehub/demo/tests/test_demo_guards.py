"""The demo loader's guards: it refuses a production-like server, and demo_totp needs a loaded city.

Kept apart from test_load_demo_city.py, whose tests all share one loaded city: these need an
empty database (or load their own)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from safehub.accounts.models import User
from safehub.demo import looked_after as looked_after_demo
from safehub.people.models import Person

pytestmark = pytest.mark.django_db


def test_refuses_without_debug_or_the_explicit_flag() -> None:
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_city", stdout=io.StringIO())
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_runs_with_debug_on_without_the_flag() -> None:
    call_command("load_demo_city", "--people", "30", "--no-validate", stdout=io.StringIO())
    generated = Person.objects.exclude(pk__in=looked_after_demo.people_added())
    assert generated.count() == 30


def test_demo_totp_for_an_unknown_demo_address_says_to_load_first() -> None:
    with pytest.raises(CommandError, match="load_demo_city"):
        call_command("demo_totp", "nobody@demo.safehub.test", stdout=io.StringIO())
