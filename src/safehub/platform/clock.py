"""The one clock. Everything that asks "when is now" asks here, so tests can move time."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today in the council's local time zone (a clock that starts at 23:30 UTC is tomorrow)."""
    return timezone.localdate()
