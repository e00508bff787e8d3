"""How a second agency's record of a person differs from the first: the errors record linkage
has to see through (typos, nicknames, swapped day and month, a new surname or address, a missing
identifier). Each function takes the record's fields and the generator; all draw only from it."""

import random
import string
from datetime import date

from .constants import (
    BUILDING_NUMBER_MAX,
    DOUBLE_BARREL,
    FORCED_CHANGE_WEIGHTS,
    MAX_CHANGES,
    NICKNAMES,
    OMISSIONS,
    TYPO_EDITS,
)
from .pools import Locality, Pools
from .record import Record

_ALTERNATIVES: dict[str, tuple[str, ...]] = {}
for _formal, _nick in NICKNAMES:
    _ALTERNATIVES[_formal] = (*_ALTERNATIVES.get(_formal, ()), _nick)
    _ALTERNATIVES[_nick] = (*_ALTERNATIVES.get(_nick, ()), _formal)
_LETTERS = string.ascii_lowercase
_FORCED_KINDS = tuple(FORCED_CHANGE_WEIGHTS)
_FORCED_WEIGHTS = tuple(FORCED_CHANGE_WEIGHTS.values())


def nickname_of(name: str, rng: random.Random) -> str | None:
    """Another form of the same given name (Bill for William, William for Bill), if one is known."""
    alternatives = _ALTERNATIVES.get(name)
    return rng.choice(alternatives) if alternatives else None


def typo(name: str, rng: random.Random) -> tuple[str, str]:
    """One keying error after the first letter; returns the new name and the kind of edit."""
    if len(name) < 3:
        return name + rng.choice(_LETTERS), "insert"
    edit = rng.choice(TYPO_EDITS)
    at = rng.randrange(1, len(name))
    if edit == "insert":
        return name[:at] + rng.choice(_LETTERS) + name[at:], edit
    if edit == "delete":
        return name[:at] + name[at + 1 :], edit
    if edit == "substitute":
        current = name[at].lower()
        letter = rng.choice(_LETTERS.replace(current, "") if current in _LETTERS else _LETTERS)
        return name[:at] + letter + name[at + 1 :], edit
    # Transpose two neighbours that differ, or it would not be an error at all.
    pairs = [i for i in range(1, len(name) - 1) if name[i] != name[i + 1]]
    if not pairs:
        return name[:at] + name[at + 1 :], "delete"
    i = rng.choice(pairs)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :], edit


def swap_day_month(iso: str) -> str | None:
    """The date with day and month swapped (American order keyed as British), when that is a
    different real date."""
    if not iso:
        return None
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    if day > 12 or day == month:
        return None
    return date(year, day, month).isoformat()


def address(locality: Locality, number: int) -> str:
    return f"{number} {locality.street}, {locality.town}"


def _applicable(kind: str, record: Record, as_of: date) -> bool:
    if kind == "nickname":
        return record.given_name in _ALTERNATIVES
    if kind == "dob_swap":
        # A swap that lands in the future would be refused at input, so no agency would hold it.
        swapped = swap_day_month(record.date_of_birth)
        return swapped is not None and swapped <= as_of.isoformat()
    if kind == "dob_missing":
        return bool(record.date_of_birth)
    if kind == "nhs_missing":
        return bool(record.nhs_number)
    if kind == "upn_missing":
        return bool(record.upn)
    if kind == "sex_unknown":
        return record.sex != "U"
    return True


def choose(
    record: Record, rng: random.Random, probabilities: dict[str, float], *, force_change: bool, as_of: date
) -> list[str]:
    """The corruption kinds for one record: each drawn with its probability where it can apply,
    changes capped at MAX_CHANGES, and (for queries) at least one change when `force_change`."""
    kinds = [k for k, p in probabilities.items() if rng.random() < p and _applicable(k, record, as_of)]
    changes = [k for k in kinds if k not in OMISSIONS]
    if len(changes) > MAX_CHANGES:
        dropped = set(rng.sample(changes, len(changes) - MAX_CHANGES))
        kinds = [k for k in kinds if k not in dropped]
    elif force_change and not changes:
        for _ in range(10):
            kind = rng.choices(_FORCED_KINDS, _FORCED_WEIGHTS)[0]
            if _applicable(kind, record, as_of):
                kinds.append(kind)
                break
        else:
            kinds.append("typo_family")
    return kinds


def apply(record: Record, kinds: list[str], rng: random.Random, pools: Pools) -> Record:
    """A copy of `record` with each kind of corruption applied; `corruptions` says what was done."""
    r = record.copy()
    done = []
    for kind in kinds:
        label = kind
        if kind == "typo_given":
            r.given_name, edit = typo(r.given_name, rng)
            label = f"{kind}.{edit}"
        elif kind == "typo_family":
            r.family_name, edit = typo(r.family_name, rng)
            label = f"{kind}.{edit}"
        elif kind == "nickname":
            r.given_name = nickname_of(r.given_name, rng) or r.given_name
        elif kind == "dob_swap":
            r.date_of_birth = swap_day_month(r.date_of_birth) or r.date_of_birth
        elif kind == "surname_change":
            new = r.family_name
            while new == r.family_name:
                new = pools.surnames.draw(rng)
            r.family_name = f"{r.family_name}-{new}" if rng.random() < DOUBLE_BARREL else new
        elif kind == "address_change":
            locality = rng.choice(pools.localities)
            r.postcode = locality.postcode
            r.address_line = address(locality, rng.randint(1, BUILDING_NUMBER_MAX))
        elif kind == "sex_unknown":
            r.sex = "U"
        elif kind == "dob_missing":
            r.date_of_birth = ""
        elif kind == "nhs_missing":
            r.nhs_number = ""
        elif kind == "upn_missing":
            r.upn = ""
        done.append(label)
    r.corruptions = tuple(done)
    return r
