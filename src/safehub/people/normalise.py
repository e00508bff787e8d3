"""Name and date normalisation, the match profile and the blocking keys the matcher indexes (issue 3).

Pure functions (no database). A blocking key is a cheap, exact value that two records of the same
person are likely to share even when typed differently: a date of birth, a phonetic code of a name
with another name or the birth year, a postcode, an identifier. The matcher only scores candidates
that share at least one key, which is what keeps interactive search fast on SQLite and PostgreSQL
(docs/adr/0002-person-matching.md, section 2). The profile (`ProfileValues`) is the normalised
record the scorer compares; keys are derived from it, so the two can never disagree.

Names repeat heavily in any population (a million people share a few thousand forenames), so the
name functions are memoised: the bulk import spends most of its key-building time here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jellyfish
from django.core.exceptions import ValidationError

from .identifiers import normalise_postcode, validate_nhs_number, validate_upn
from .nicknames import NAME_GROUPS

__all__ = [
    "KEY_KINDS",
    "MAX_KEY_LENGTH",
    "PROFILE_SEPARATOR",
    "ProfileValues",
    "name_variants",
    "normalise_name",
    "normalise_sex",
    "phonetic",
    "profile_fields",
    "profile_values",
    "query_keys",
    "stored_keys",
    "swap_day_month",
]

MAX_KEY_LENGTH = 64

# Letters that carry no combining mark under NFKD but that people routinely type without the
# accent ("Søren" as "Soren", "Łukasz" as "Lukasz").
_FOLD = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "\u0131": "i",  # dotless i (Turkish)
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
    }
)
# Apostrophes join the parts of a name (O'Neil = ONeil); every other non-letter separates them
# (Smith-Jones = Smith Jones), so that all the ways of typing the name agree.
_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4\u2032"
_SPACES = re.compile(r"\s+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


@functools.lru_cache(maxsize=1 << 17)
def normalise_name(value: str) -> str:
    """Casefold, drop accents and punctuation: "Zoë O'Neil-Smith" -> "zoe oneil smith"."""
    text = _strip_marks(value or "").casefold().translate(_FOLD)
    # Casefolding can itself produce decomposable characters, so strip marks once more.
    text = _strip_marks(text)
    text = "".join(ch for ch in text if ch not in _APOSTROPHES)
    text = "".join(ch if ch.isalpha() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


@functools.cache
def _nickname_index() -> dict[str, frozenset[str]]:
    """Name -> every name that shares a group with it (a name may belong to several groups)."""
    index: dict[str, set[str]] = {}
    for group in NAME_GROUPS:
        members = {normalise_name(name) for name in group} - {""}
        for member in members:
            index.setdefault(member, set()).update(members)
    return {name: frozenset(names) for name, names in index.items()}


@functools.lru_cache(maxsize=1 << 16)
def name_variants(given: str) -> frozenset[str]:
    """The normalised given name and its nickname equivalents (William -> bill, will, liam ...).

    Symmetric by construction: b is a variant of a exactly when some group holds both.
    """
    name = normalise_name(given)
    if not name:
        return frozenset()
    return frozenset({name}) | _nickname_index().get(name, frozenset())


@functools.lru_cache(maxsize=1 << 17)
def phonetic(value: str) -> str:
    """A phonetic code of the name, one code per word, joined with single spaces.

    Metaphone rather than NYSIIS: metaphone gives Smith/Smyth, Catherine/Katherine/Kathryn,
    Stephen/Steven and Mohammed/Muhammad the same code, where NYSIIS keeps the first letter and most
    vowels and so splits several of those pairs. As a *blocking* key a coarser code is the right
    trade: it only widens the set of candidates the Fellegi-Sunter scorer then ranks. Metaphone
    ignores letters outside A-Z, so a word in another script keys on its normalised spelling instead
    (lower case, so it can never collide with a metaphone code).
    """
    codes = []
    for word in normalise_name(value).split():
        code = jellyfish.metaphone(word) if word.isascii() else ""
        codes.append(code or word)
    return " ".join(codes)


def swap_day_month(d: dt.date) -> dt.date | None:
    """The date with day and month swapped (3 April <-> 4 March), or None if impossible or unchanged.

    The most common way a date of birth is mis-recorded is US-style day/month order.
    """
    if d.day == d.month or d.day > 12:
        return None
    try:
        return d.replace(month=d.day, day=d.month)
    except ValueError:
        return None


# Particles that begin many unrelated surnames: keyed alone they would put every "de ..." or
# "van ..." in one block, so they are only keyed as part of the whole name.
_FAMILY_PARTICLES = frozenset(
    [
        "ab",
        "al",
        "ap",
        "bat",
        "ben",
        "bin",
        "bint",
        "da",
        "das",
        "de",
        "del",
        "della",
        "den",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "lo",
        "mac",
        "mc",
        "st",
        "saint",
        "te",
        "ten",
        "ter",
        "van",
        "von",
    ]
)


@functools.lru_cache(maxsize=1 << 16)
def _given_parts(given: str) -> frozenset[str]:
    """ "Mary Ann" is searched as "mary ann", "mary" and "ann"; a lone initial is too weak to block on."""
    whole = normalise_name(given)
    if not whole:
        return frozenset()
    return frozenset({whole} | {part for part in whole.split() if len(part) > 1})


@functools.lru_cache(maxsize=1 << 16)
def _family_parts(family: str) -> frozenset[str]:
    """A double-barrelled name is keyed whole, run together and by each part: people drop one half
    ("Smith-Jones" as "Jones") or a space ("O Neil" as "O'Neil", "Mac Donald" as "MacDonald")."""
    whole = normalise_name(family)
    if not whole:
        return frozenset()
    words = whole.split()
    parts = {whole, "".join(words)}
    if len(words) > 1:
        parts |= {word for word in words if len(word) > 1 and word not in _FAMILY_PARTICLES}
    return frozenset(parts)


# --- The match profile ---------------------------------------------------------------------------

# Joins the several values of one profile field in its database column ("jane|janet").
# normalise_name leaves only letters and spaces, postcodes and UPNs are alphanumeric: never ambiguous.
PROFILE_SEPARATOR = "|"
# Column widths of PersonMatchProfile: values that do not fit are left off, latest first.
PROFILE_LIMITS = {"given_names": 500, "family_names": 500, "postcodes": 200, "upns": 100}

_SEX = {"m": "M", "male": "M", "1": "M", "f": "F", "female": "F", "2": "F"}


def normalise_sex(value: str) -> str:
    """ "M" or "F"; "" when not known. Accepts the import's M/F/U and the CIN codes 1/2/0/9.

    Unknown ("U", 0, 9) becomes "" rather than a value of its own: "not known" says nothing about
    whether two records are one person, so the scorer must treat it as missing, not as a disagreement.
    """
    return _SEX.get((value or "").strip().casefold(), "")


def _compact_postcode(value: str) -> str:
    try:
        return normalise_postcode(value).replace(" ", "")
    except ValidationError:
        return ""


def _valid_or_blank(check: Any, value: str) -> str:
    if not (value and value.strip()):
        return ""
    try:
        return str(check(value))
    except ValidationError:
        return ""


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Distinct non-empty values in first-seen order (the current one stays first)."""
    return tuple(dict.fromkeys(value for value in values if value))


@dataclass(frozen=True)
class ProfileValues:
    """One person's (or one search's) normalised matching data; see `profile_values`.

    Names are `normalise_name` forms, postcodes upper case without a space, the NHS number 10 digits,
    UPNs upper case. Where a field has several values, the current one comes first.
    """

    given_names: tuple[str, ...]
    family_names: tuple[str, ...]
    date_of_birth: dt.date | None
    sex: str
    postcodes: tuple[str, ...]
    nhs_number: str
    upns: tuple[str, ...]

    @classmethod
    def from_stored(
        cls,
        *,
        given_names: str,
        family_names: str,
        date_of_birth: dt.date | None,
        sex: str,
        postcodes: str,
        nhs_number: str,
        upns: str,
    ) -> ProfileValues:
        """The values of a stored profile row (the columns `profile_fields` wrote), without
        normalising them again: they were normalised on the way in, and the matcher reads a hundred
        of these per search."""

        def split(joined: str) -> tuple[str, ...]:
            return tuple(joined.split(PROFILE_SEPARATOR)) if joined else ()

        return cls(
            given_names=split(given_names),
            family_names=split(family_names),
            date_of_birth=date_of_birth,
            sex=sex,
            postcodes=split(postcodes),
            nhs_number=nhs_number,
            upns=split(upns),
        )


def profile_values(
    *,
    given_names: Iterable[str],
    family_names: Iterable[str],
    date_of_birth: dt.date | None,
    sex: str = "",
    postcodes: Iterable[str] = (),
    nhs_number: str = "",
    upns: Iterable[str] = (),
) -> ProfileValues:
    """Normalise everything the matcher compares. Pass the current value of each field first.

    An invalid postcode, NHS number or UPN is dropped, not raised: it was refused (with a reason)
    where it was typed, and an invalid value cannot equal any stored valid one. Idempotent: the
    fields of the result, passed back in, give the same result.
    """
    return ProfileValues(
        given_names=_unique(normalise_name(name) for name in given_names),
        family_names=_unique(normalise_name(name) for name in family_names),
        date_of_birth=date_of_birth,
        sex=normalise_sex(sex),
        postcodes=_unique(_compact_postcode(postcode) for postcode in postcodes),
        nhs_number=_valid_or_blank(validate_nhs_number, nhs_number),
        upns=_unique(_valid_or_blank(validate_upn, upn) for upn in upns),
    )


def _join(values: tuple[str, ...], limit: int) -> str:
    kept: list[str] = []
    length = 0
    for value in values:
        length += len(value) + (1 if kept else 0)
        if length > limit:
            break
        kept.append(value)
    return PROFILE_SEPARATOR.join(kept)


def profile_fields(profile: ProfileValues) -> dict[str, Any]:
    """The `PersonMatchProfile` column values (without `person`) for these values."""
    return {
        "given_names": _join(profile.given_names, PROFILE_LIMITS["given_names"]),
        "family_names": _join(profile.family_names, PROFILE_LIMITS["family_names"]),
        "date_of_birth": profile.date_of_birth,
        "sex": profile.sex,
        "postcodes": _join(profile.postcodes, PROFILE_LIMITS["postcodes"]),
        "nhs_number": profile.nhs_number,
        "upns": _join(profile.upns, PROFILE_LIMITS["upns"]),
    }


# --- Blocking keys -------------------------------------------------------------------------------

# Kinds in the order a search looks them up: the most selective first, so that a matcher with a
# fixed number of lookups per query spends them where they find the person.
KEY_KINDS = ("nhs", "upn", "dob", "nm", "pc", "sy", "fy")


def _key(kind: str, value: str) -> tuple[str, str] | None:
    value = value.strip()[:MAX_KEY_LENGTH].strip()
    return (kind, value) if value else None


@functools.lru_cache(maxsize=1 << 16)
def _given_codes(given: str) -> tuple[str, ...]:
    """Phonetic codes of a (normalised) given name and of each of its words, as written."""
    return tuple(sorted({phonetic(part) for part in _given_parts(given)} - {""}))


@functools.lru_cache(maxsize=1 << 16)
def _nickname_codes(given: str) -> tuple[str, ...]:
    """Phonetic codes of the nickname equivalents of a given name and of its words, not as written."""
    parts = _given_parts(given)
    codes = {phonetic(variant) for part in parts for variant in name_variants(part)}
    return tuple(sorted(codes - set(_given_codes(given)) - {""}))


@functools.lru_cache(maxsize=1 << 16)
def _family_codes(family: str) -> tuple[str, ...]:
    return tuple(sorted({phonetic(part) for part in _family_parts(family)} - {""}))


def _codes(names: tuple[str, ...], of: Any) -> list[str]:
    return list(dict.fromkeys(code for name in names for code in of(name)))


# The name parts of the keys, remembered: a million people share a few thousand forenames and
# surnames and a hundred birth years, so these pairs repeat and the bulk import mostly looks them up.
@functools.lru_cache(maxsize=1 << 18)
def _nm_keys(given_names: tuple[str, ...], family_names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    family = _codes(family_names, _family_codes)
    pairs = (_key("nm", f"{g}|{f}") for g in _codes(given_names, _given_codes) for f in family)
    return tuple(key for key in pairs if key is not None)


@functools.lru_cache(maxsize=1 << 18)
def _sy_keys(family_names: tuple[str, ...], year: str) -> tuple[tuple[str, str], ...]:
    keys = (_key("sy", f"{f}|{year}") for f in _codes(family_names, _family_codes))
    return tuple(key for key in keys if key is not None)


@functools.lru_cache(maxsize=1 << 18)
def _fy_keys(given_names: tuple[str, ...], year: str) -> tuple[tuple[str, str], ...]:
    keys = (_key("fy", f"{g}|{year}") for g in _codes(given_names, _given_codes))
    return tuple(key for key in keys if key is not None)


def stored_keys(profile: ProfileValues) -> set[tuple[str, str]]:
    """The keys written for a person: every name, postcode and identifier they have had.

    One `dob` key: the day/month swap is looked up by the search instead (`query_keys`), which keeps
    the same recall without a second row for everyone born on days 1 to 12. Nickname variants are
    likewise added on the search side only: the nickname relation is symmetric, so a search for
    "Bill" that also looks up "William" finds a stored "William", and one for "William" that looks
    up "Bill" finds a stored "Bill", while the table holds one forename code per name as written
    (a quarter the size it would be with every variant stored).
    """
    # Identifiers, dates and postcodes are short, non-empty and already in their one form.
    keys = {("upn", upn) for upn in profile.upns}
    if profile.nhs_number:
        keys.add(("nhs", profile.nhs_number))
    keys.update(("pc", postcode) for postcode in profile.postcodes)
    keys.update(_nm_keys(profile.given_names, profile.family_names))
    if profile.date_of_birth is not None:
        year = str(profile.date_of_birth.year)
        keys.add(("dob", profile.date_of_birth.isoformat()))
        keys.update(_sy_keys(profile.family_names, year))
        keys.update(_fy_keys(profile.given_names, year))
    return keys


def query_keys(profile: ProfileValues) -> list[tuple[str, str]]:
    """The keys a search looks up, most selective first, without repeats.

    The stored keys of the search's own values, then: the day/month swap of its birth date, the
    nickname variants of its forenames (with each surname, and with the birth year), and forename
    and surname the other way round (a form filled in surname first).
    """
    given = _codes(profile.given_names, _given_codes)
    nicknames = [code for code in _codes(profile.given_names, _nickname_codes) if code not in given]
    family = _codes(profile.family_names, _family_codes)
    year = str(profile.date_of_birth.year) if profile.date_of_birth else ""
    swapped = swap_day_month(profile.date_of_birth) if profile.date_of_birth else None

    candidates: list[tuple[str, str] | None] = []
    if profile.nhs_number:
        candidates.append(_key("nhs", profile.nhs_number))
    candidates += [_key("upn", upn) for upn in profile.upns]
    if profile.date_of_birth is not None:
        candidates.append(_key("dob", profile.date_of_birth.isoformat()))
    if swapped is not None:
        candidates.append(_key("dob", swapped.isoformat()))
    candidates += [_key("nm", f"{g}|{f}") for g in given for f in family]
    candidates += [_key("pc", postcode) for postcode in profile.postcodes]
    if year:
        candidates += [_key("sy", f"{f}|{year}") for f in family]
        candidates += [_key("fy", f"{g}|{year}") for g in given]
    candidates += [_key("nm", f"{g}|{f}") for g in nicknames for f in family]
    if year:
        candidates += [_key("fy", f"{g}|{year}") for g in nicknames]
    candidates += [_key("nm", f"{f}|{g}") for g in given for f in family]
    return list(dict.fromkeys(key for key in candidates if key is not None))
