"""The match profile and keys a new person gets from one import row (pure: no database)."""

import functools
from typing import Any

from ..normalise import ProfileValues, normalise_name, normalise_sex, profile_fields, stored_keys
from .validation import ImportRow

Derived = tuple[dict[str, Any], tuple[tuple[str, str], ...]]


def derive(row: ImportRow) -> Derived:
    """The profile's fields and the stored blocking keys of a person holding exactly this row."""
    values = profile(row)
    return profile_fields(values), tuple(stored_keys(values))


def profile(row: ImportRow) -> ProfileValues:
    """What `person_profile_values` derives for a person holding exactly this row's data.

    The row was validated (postcode, NHS number and UPN are already in their one spelling), so only
    the names and the postcode's form are normalised here; `normalise_name` and the phonetic codes
    are memoised, and names repeat across thousands of rows. A test holds the profile and keys equal
    to the row-level services'.
    """
    return ProfileValues(
        given_names=_names(row.given_name),
        family_names=_names(row.family_name),
        date_of_birth=row.date_of_birth,
        sex=normalise_sex(row.sex),
        postcodes=(row.postcode.replace(" ", ""),) if row.postcode and row.address_line else (),
        nhs_number=row.nhs_number,
        upns=(row.upn,) if row.upn else (),
    )


@functools.lru_cache(maxsize=1 << 16)
def _names(name: str) -> tuple[str, ...]:
    normalised = normalise_name(name)
    return (normalised,) if normalised else ()
