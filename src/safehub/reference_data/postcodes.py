"""Distances between postcodes, from `PostcodeLocation` (British National Grid metres)."""

import math
import re
from decimal import Decimal

from .models import PostcodeLocation

METRES_PER_MILE = 1609.344
_SPACES = re.compile(r"\s+")


def normalise(postcode: str) -> str:
    """Upper case with one space before the inward code ("ls1 4ap" -> "LS1 4AP")."""
    compact = _SPACES.sub("", postcode or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def distance_miles(a: str, b: str) -> Decimal | None:
    """Straight-line miles between two postcodes, to one decimal place; None if either is unknown."""
    keys = {normalise(a), normalise(b)}
    found = {p.postcode: p for p in PostcodeLocation.objects.filter(postcode__in=keys)}
    first, second = found.get(normalise(a)), found.get(normalise(b))
    if first is None or second is None:
        return None
    metres = math.hypot(first.easting - second.easting, first.northing - second.northing)
    return Decimal(str(round(metres / METRES_PER_MILE, 1)))
