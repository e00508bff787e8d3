"""The comparison levels, once, in the order Splink evaluates them (ADR 0002 section 5).

`splink_model.comparisons()` builds the Splink side from `FIELDS`; the functions here compute the
same level in Python for the interactive scorer. A test checks the two agree pair by pair with
Splink's `predict`, so a change to one side that is not made to the other fails.

Level numbers count the non-null levels from 0 (0 is always the exact match, the last is "else");
`None` is Splink's null level (either side missing), which adds no weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

NAME_JW_THRESHOLDS = (0.92, 0.88, 0.7)
# Splink's PostcodeComparison patterns (splink/internals/comparison_library.py); they need the
# space between outward and inward codes, which `splink_postcode` puts back.
SECTOR_REGEX = "^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? [0-9]"
DISTRICT_REGEX = "^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?"
AREA_REGEX = "^[A-Za-z]{1,2}"
_SECTOR, _DISTRICT, _AREA = (re.compile(p) for p in (SECTOR_REGEX, DISTRICT_REGEX, AREA_REGEX))


# Level 1 of a name comparison: the two names are written the other way round in one record (a form
# filled in family name first); both name comparisons reach it together. Checked across all values by `best_level`, not by `name_level`.
NAME_SWAP_LEVEL = 1
# The swap allows a typo in either name ("Stubbs Jaxck" for "Jack Stubbs").
NAME_SWAP_THRESHOLD = 0.88


def name_level(a: str, b: str) -> int:
    """Exact 0; Jaro-Winkler levels from 2 (1 is the swap, which needs the other name field)."""
    if a == b:
        return 0
    similarity = JaroWinkler.similarity(a, b)
    for index, threshold in enumerate(NAME_JW_THRESHOLDS, start=2):
        if similarity >= threshold:
            return index
    return len(NAME_JW_THRESHOLDS) + 2


def dob_level(a: str, b: str) -> int:
    """ISO strings; the swap test is Splink's substr() on both, 1-indexed there, 0-indexed here."""
    if a == b:
        return 0
    if a[0:4] == b[0:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return 1
    distance = Levenshtein.distance(a, b, score_cutoff=3)
    if distance <= 1:
        return 2
    if distance <= 2:
        return 3
    return 4


def _extract(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    return found.group(0) if found else ""


def postcode_level(a: str, b: str) -> int:
    """Splink compares NULLIF(regexp_extract(...), ''), so two postcodes with no sector never agree."""
    if a == b:
        return 0
    if DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1:
        return 1
    for index, pattern in enumerate((_SECTOR, _DISTRICT, _AREA), start=2):
        part = _extract(pattern, a)
        if part and part == _extract(pattern, b):
            return index
    return 5


def nhs_level(a: str, b: str) -> int:
    if a == b:
        return 0
    return 1 if DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1 else 2


def exact_level(a: str, b: str) -> int:
    return 0 if a == b else 1


@dataclass(frozen=True)
class Field:
    """One comparison: its Splink column (also the output name) and its non-null level labels."""

    name: str
    labels: tuple[str, ...]
    level: Callable[[str, str], int]
    # For names: the other name field, for the swapped level (NAME_SWAP_LEVEL).
    swap_with: str = ""

    @property
    def else_level(self) -> int:
        return len(self.labels) - 1


_NAME_LABELS = (
    "exact",
    "swapped with the other name",
    "Jaro-Winkler at least 0.92",
    "Jaro-Winkler at least 0.88",
    "Jaro-Winkler at least 0.7",
    "different",
)

FIELDS: tuple[Field, ...] = (
    Field("given_name", _NAME_LABELS, name_level, swap_with="family_name"),
    Field("family_name", _NAME_LABELS, name_level, swap_with="given_name"),
    Field(
        "date_of_birth",
        (
            "exact",
            "day and month swapped",
            "one character different",
            "two characters different",
            "different",
        ),
        dob_level,
    ),
    Field(
        "postcode",
        (
            "exact",
            "one character different or two swapped",
            "same sector",
            "same district",
            "same area",
            "different",
        ),
        postcode_level,
    ),
    Field("nhs_number", ("exact", "one digit different or two swapped", "different"), nhs_level),
    Field("upn", ("exact", "different"), exact_level),
    Field("sex", ("exact", "different"), exact_level),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}


def best_level(
    field: Field,
    left: Sequence[str],
    right: Sequence[str],
    left_other: Sequence[str] = (),
    right_other: Sequence[str] = (),
) -> int | None:
    """The most agreeing level over every pair of values (current and previous names, postcodes...).

    None (Splink's null level) when either side has no value. For a name field, `left_other` and
    `right_other` are each side's other name field, for the swapped level: Splink's
    `jw(given_l, family_r) >= 0.88 AND jw(family_l, given_r) >= 0.88`, tested after exact and before Jaro-Winkler.
    """
    if not any(left) or not any(right):
        return None
    if field.swap_with:
        if set(left) & set(right):
            return 0
        if _similar(left, right_other) and _similar(left_other, right):
            return NAME_SWAP_LEVEL
    best: int | None = None
    for a in left:
        if not a:
            continue
        for b in right:
            if not b:
                continue
            level = field.level(a, b)
            if best is None or level < best:
                best = level
                if level == 0:
                    return 0
    return best


def _similar(left: Sequence[str], right: Sequence[str]) -> bool:
    return any(a and b and JaroWinkler.similarity(a, b) >= NAME_SWAP_THRESHOLD for a in left for b in right)


def splink_postcode(value: str) -> str:
    """Our normalised postcode ("SW1A1AA") in the spelling Splink's patterns expect ("SW1A 1AA")."""
    value = value.replace(" ", "").upper()
    if len(value) < 5:
        return value
    return f"{value[:-3]} {value[-3:]}"
