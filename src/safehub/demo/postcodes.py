"""The demo city's postcodes and local authority codes: real, public geography (issue 7, item 9).

The demo city sits on York's geography, so that the DfE validators, which look postcodes up in
the ONS postcode directory they bundle, can work out each placement's local authority, whether it
is in or out of area, and its distance from home, as they would for a real council. postcodes.csv
holds a fixed sample of York postcodes (the city) and of its neighbours East Riding of Yorkshire
and Leeds (out of area), each with its ONS grid reference and local authority, taken from the
validator's bundled directory (ONS Postcode Directory, Open Government Licence). Postcodes are
places, not people: every person and address in the demo is still invented.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from safehub.people.models import Address
from safehub.reference_data.models import PostcodeLocation
from safehub.reference_data.postcodes import normalise

# York (unitary authority): its ONS code, and its three-digit DfE code (the one in a UPN).
CITY_LA = "E06000014"
CITY_OLD_CODE = 816
CITY_NAME = "York"
# East Riding of Yorkshire and Leeds, where the out-of-area carers and the children's home are.
NEIGHBOUR_LAS = ("E06000011", "E08000035")
DATA = Path(__file__).with_name("postcodes.csv")


@dataclass(frozen=True)
class Place:
    postcode: str
    easting: int
    northing: int
    local_authority: str


@cache
def places() -> dict[str, Place]:
    """Every demo postcode (normalised) -> its place, in the file's order."""
    with DATA.open(newline="", encoding="utf-8") as handle:
        rows = [
            Place(normalise(r["postcode"]), int(r["easting"]), int(r["northing"]), r["local_authority"])
            for r in csv.DictReader(handle)
        ]
    return {row.postcode: row for row in rows}


@cache
def city_postcodes() -> tuple[str, ...]:
    return tuple(code for code, place in places().items() if place.local_authority == CITY_LA)


@cache
def out_of_area_postcodes() -> tuple[str, ...]:
    return tuple(code for code, place in places().items() if place.local_authority in NEIGHBOUR_LAS)


def place_of(postcode: str) -> Place | None:
    """Where a demo postcode is; None for a postcode outside the demo's list (e.g. typed in the UI)."""
    return places().get(normalise(postcode))


def location(postcode: str) -> PostcodeLocation | None:
    """The demo postcode's real grid reference and local authority (postcodes.csv); None for one
    outside the demo's list."""
    place = place_of(postcode)
    if place is None:
        return None
    return PostcodeLocation(
        postcode=place.postcode,
        easting=place.easting,
        northing=place.northing,
        local_authority=place.local_authority,
    )


def seed_postcodes(extra: Iterable[str] = ()) -> int:
    """A location for every demo address's postcode and `extra` that the reference data lacks (a
    council that loaded the ONS directory has them already); returns how many were added."""
    known = places()
    wanted = {normalise(p) for p in Address.objects.values_list("postcode", flat=True)} & known.keys()
    wanted |= {normalise(p) for p in extra if p and normalise(p) in known}
    have = set(PostcodeLocation.objects.filter(postcode__in=wanted).values_list("postcode", flat=True))
    rows = [row for p in sorted(wanted - have) if (row := location(p)) is not None]
    PostcodeLocation.objects.bulk_create(rows, batch_size=500)
    return len(rows)
