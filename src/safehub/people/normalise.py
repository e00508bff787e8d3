"""Name and date normalisation and the blocking keys the matching engine indexes (issue 3, item 3).

Pure functions (no database). A blocking key is a cheap, exact value that two records of the same
person are likely to share even when typed differently: a phonetic code of a name, a date of birth
or its day/month swap, a postcode or its sector, an identifier. The matcher only scores candidates
that share at least one key, which is what keeps interactive search fast on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import unicodedata

import jellyfish
from django.core.exceptions import ValidationError

from .identifiers import normalise_postcode, validate_nhs_number, validate_upn
from .nicknames import NAME_GROUPS

__all__ = [
    "MAX_KEY_LENGTH",
    "match_keys",
    "name_variants",
    "normalise_name",
    "phonetic",
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


def name_variants(given: str) -> set[str]:
    """The normalised given name and its nickname equivalents (William -> bill, will, liam ...).

    Symmetric by construction: b is a variant of a exactly when some group holds both.
    """
    name = normalise_name(given)
    if not name:
        return set()
    return {name} | set(_nickname_index().get(name, ()))


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


def _given_parts(given: str) -> set[str]:
    """ "Mary Ann" is searched as "mary ann", "mary" and "ann"; a lone initial is too weak to block on."""
    whole = normalise_name(given)
    if not whole:
        return set()
    return {whole} | {part for part in whole.split() if len(part) > 1}


def _family_parts(family: str) -> set[str]:
    """A double-barrelled name is keyed whole, run together and by each part: people drop one half
    ("Smith-Jones" as "Jones") or a space ("O Neil" as "O'Neil", "Mac Donald" as "MacDonald")."""
    whole = normalise_name(family)
    if not whole:
        return set()
    words = whole.split()
    parts = {whole, "".join(words)}
    if len(words) > 1:
        parts |= {word for word in words if len(word) > 1 and word not in _FAMILY_PARTICLES}
    return parts


def _key(kind: str, value: str) -> tuple[str, str] | None:
    value = value.strip()[:MAX_KEY_LENGTH].strip()
    return (kind, value) if value else None


def match_keys(
    *,
    given_names: list[str],
    family_names: list[str],
    date_of_birth: dt.date | None,
    postcodes: list[str],
    nhs_number: str = "",
    upn: str = "",
) -> set[tuple[str, str]]:
    """Every blocking key of one person (or one search), as (kind, value) pairs.

    Values are never empty and at most 64 characters. Postcodes and identifiers that do not validate
    are left out rather than refused: they were refused (with a reason) where they were typed, and an
    invalid value cannot equal any stored valid one, so it could not find a candidate anyway.
    """
    candidates: list[tuple[str, str] | None] = []

    if date_of_birth is not None:
        candidates.append(_key("dob", date_of_birth.isoformat()))
        swapped = swap_day_month(date_of_birth)
        if swapped is not None:
            candidates.append(_key("dob_swap", swapped.isoformat()))

    for given in given_names:
        for part in _given_parts(given):
            for variant in name_variants(part):
                candidates.append(_key("given_phonetic", phonetic(variant)))

    for family in family_names:
        for part in _family_parts(family):
            candidates.append(_key("family_phonetic", phonetic(part)))

    for postcode in postcodes:
        try:
            normalised = normalise_postcode(postcode)
        except ValidationError:
            continue
        candidates.append(_key("postcode", normalised))
        candidates.append(_key("postcode_sector", normalised[:-2]))

    if nhs_number and nhs_number.strip():
        with contextlib.suppress(ValidationError):
            candidates.append(_key("nhs", validate_nhs_number(nhs_number)))
    if upn and upn.strip():
        with contextlib.suppress(ValidationError):
            candidates.append(_key("upn", validate_upn(upn)))

    return {key for key in candidates if key is not None}
