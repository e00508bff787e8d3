"""The interactive scorer: candidates by blocking key in one SQL statement, then Fellegi-Sunter
scoring in Python from the stored weights (ADR 0002 sections 4 and 5).

The match weight is w = prior + sum over fields of log2(m/u) at the level the pair reaches; a
missing value on either side adds nothing. p = 1 / (1 + 2^-w). There are no term-frequency
adjustments, so scoring is a table lookup per field, which is what keeps it within a few
milliseconds for a few hundred candidates.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from ..models import MatcherModel, PersonMatchKey, PersonMatchProfile
from ..normalise import PROFILE_SEPARATOR, ProfileValues
from .defaults import DEFAULT_LAMBDA, DEFAULT_PROBABILITIES, DEFAULT_VERSION
from .levels import FIELDS, best_level, splink_postcode

# Persons fetched per key at most: a common key ("smith|1990") cannot flood the scorer. The ADR's
# measurements: cap 100 gives the best top-1 (200 is no better); 50 loses 0.4 points.
KEY_CAP = 100
# Lookups per statement come in multiples of this, padded with a key that cannot occur, so that the
# SQL text (and on PostgreSQL its plan) stays the same from one query to the next.
KEY_SLOTS = 10
_PAD = ("", "")
# How much sharing each kind of key says about a pair, to choose whom to score (not the score).
KEY_WEIGHTS = {"nhs": 8, "upn": 8, "dob": 2, "nm": 2, "pc": 2, "sy": 1, "fy": 1}
# Persons scored per search at most, those sharing the most key weight first.
SCORE_LIMIT = 250

OUTCOME_AGREED, OUTCOME_PARTLY, OUTCOME_DISAGREED, OUTCOME_MISSING = (
    "agreed",
    "partly agreed",
    "disagreed",
    "missing",
)


@dataclass(frozen=True)
class Weights:
    """One model's weight table: per field, (label, log2(m/u)) for each non-null level."""

    version: int
    prior: float
    levels: dict[str, tuple[tuple[str, float], ...]]

    @classmethod
    def from_table(cls, version: int, table: dict[str, Any]) -> Weights:
        return cls(
            version=version,
            prior=float(table["prior"]),
            levels={
                name: tuple((row["label"], float(row["weight"])) for row in rows)
                for name, rows in table["comparisons"].items()
            },
        )


def default_weights() -> Weights:
    return Weights(
        version=DEFAULT_VERSION,
        prior=math.log2(DEFAULT_LAMBDA / (1 - DEFAULT_LAMBDA)),
        levels={
            field.name: tuple(
                (label, math.log2(m / u))
                for label, (m, u) in zip(field.labels, DEFAULT_PROBABILITIES[field.name], strict=True)
            )
            for field in FIELDS
        },
    )


_cache: dict[int, Weights] = {}
_cache_lock = threading.Lock()


def current_weights() -> Weights:
    """The active model's weights (cached per process by version), or the built-in defaults.

    One indexed read per call tells us which version is active, so activating a new model takes
    effect on the next search in every process without a restart.
    """
    version = MatcherModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        version = DEFAULT_VERSION
    cached = _cache.get(version)
    if cached is not None:
        return cached
    if version == DEFAULT_VERSION:
        weights = default_weights()
    else:
        table = MatcherModel.objects.values_list("weights", flat=True).get(version=version)
        weights = Weights.from_table(version, table)
    with _cache_lock:
        _cache[version] = weights
    return weights


# --- comparing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldScore:
    field: str
    outcome: str
    level: str
    weight: float


@dataclass(frozen=True)
class Scored:
    person_id: Any
    match_weight: float
    fields: tuple[FieldScore, ...]

    @property
    def probability(self) -> float:
        return probability(self.match_weight)


def probability(match_weight: float) -> float:
    if match_weight < -1000:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-match_weight))


def comparable(profile: ProfileValues) -> dict[str, tuple[str, ...]]:
    """The profile as the scorer's per-field value tuples (several values where a person has them)."""
    dob = profile.date_of_birth
    return {
        "given_name": profile.given_names,
        "family_name": profile.family_names,
        "date_of_birth": (_iso(dob),) if dob else (),
        "postcode": tuple(splink_postcode(p) for p in profile.postcodes if p),
        "nhs_number": (profile.nhs_number,) if profile.nhs_number else (),
        "upn": profile.upns,
        "sex": (profile.sex,) if profile.sex else (),
    }


def _iso(value: dt.date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def score(
    query: dict[str, tuple[str, ...]],
    candidate: dict[str, tuple[str, ...]],
    weights: Weights,
    memo: dict[tuple[Any, ...], FieldScore] | None = None,
) -> tuple[float, tuple[FieldScore, ...]]:
    """`memo`, shared across one query's candidates, reuses a field's score for a candidate value
    already compared (the family name, postcode or birth date that made them candidates)."""
    total = weights.prior
    fields = []
    for field in FIELDS:
        key = (field.name, candidate[field.name], candidate[field.swap_with] if field.swap_with else None)
        scored = memo.get(key) if memo is not None else None
        if scored is None:
            scored = _field_score(field, query, candidate, weights)
            if memo is not None:
                memo[key] = scored
        total += scored.weight
        fields.append(scored)
    return total, tuple(fields)


def _field_score(
    field: Any, query: dict[str, tuple[str, ...]], candidate: dict[str, tuple[str, ...]], weights: Weights
) -> FieldScore:
    if field.swap_with:
        level = best_level(
            field,
            query[field.name],
            candidate[field.name],
            query[field.swap_with],
            candidate[field.swap_with],
        )
    else:
        level = best_level(field, query[field.name], candidate[field.name])
    if level is None:
        return FieldScore(field.name, OUTCOME_MISSING, "missing", 0.0)
    label, weight = weights.levels[field.name][level]
    outcome = (
        OUTCOME_AGREED if level == 0 else OUTCOME_DISAGREED if level == field.else_level else OUTCOME_PARTLY
    )
    return FieldScore(field.name, outcome, label, weight)


# --- retrieving ----------------------------------------------------------------------------------


def _statement(slots: int) -> str:
    """Only table names and integers are formatted in; every value is a parameter.

    Each key's persons (at most KEY_CAP) carry the key's weight; the persons with the most shared
    weight, at most SCORE_LIMIT, are fetched for scoring. A true match shares several keys, so the
    cut removes the long tail of people who share one common key ("smith|1990") and nothing else,
    which is what made the slowest searches slow.
    """
    key = PersonMatchKey._meta.db_table
    profile = PersonMatchProfile._meta.db_table
    lookups = " UNION ALL ".join(
        f"SELECT person_id, %s AS w FROM (SELECT person_id FROM {key} WHERE kind = %s AND value = %s"  # noqa: S608  # nosec B608
        f" LIMIT {KEY_CAP}) k{i}"
        for i in range(slots)
    )
    shared = (
        f"SELECT person_id, SUM(w) AS shared FROM ({lookups}) keys"  # noqa: S608  # nosec B608
        f" GROUP BY person_id ORDER BY shared DESC, person_id LIMIT {SCORE_LIMIT}"
    )
    columns = "p.person_id, p.given_names, p.family_names, p.date_of_birth, p.sex, p.postcodes, p.nhs_number, p.upns"
    return f"SELECT {columns} FROM {profile} p JOIN ({shared}) c ON c.person_id = p.person_id"  # noqa: S608  # nosec B608


_statements: dict[int, str] = {}


def candidates(keys: Sequence[tuple[str, str]]) -> list[tuple[Any, dict[str, tuple[str, ...]]]]:
    """Every person sharing a key with the search (at most KEY_CAP per key), in one statement."""
    if not keys:
        return []
    slots = KEY_SLOTS * math.ceil(len(keys) / KEY_SLOTS)
    sql = _statements.get(slots)
    if sql is None:
        sql = _statements[slots] = _statement(slots)
    params: list[Any] = []
    for kind, value in [*keys, *([_PAD] * (slots - len(keys)))]:
        params += [KEY_WEIGHTS.get(kind, 1), kind, value]
    if connection.vendor == "postgresql":
        rows = _fetch_prepared(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    return [(_uuid(row[0]), _row_values(row)) for row in rows]


def _fetch_prepared(sql: str, params: list[Any]) -> list[Any]:
    """Run the search as a prepared statement on this connection (PostgreSQL).

    Planning a union of twenty index lookups took 1.4 ms of every search at 1M people. Django's
    cursors bind parameters on the client and never prepare, so this one statement goes through a
    server-binding psycopg cursor on the same connection (and transaction), prepared on first use
    and reused while the connection lives. The connection must allow explicit preparing
    (`prepare_threshold` set, see config/env.py); without it this is an ordinary execute.
    """
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def _uuid(value: Any) -> uuid.UUID:
    # SQLite hands back the 32 hex digits Django stores; PostgreSQL a UUID.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _split(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(PROFILE_SEPARATOR)) if joined else ()


def _row_values(row: Sequence[Any]) -> dict[str, tuple[str, ...]]:
    _, given, family, dob, sex, postcodes, nhs, upns = row
    return {
        "given_name": _split(given),
        "family_name": _split(family),
        "date_of_birth": (_iso(dob),) if dob else (),
        "postcode": tuple(splink_postcode(p) for p in _split(postcodes)),
        "nhs_number": (nhs,) if nhs else (),
        "upn": _split(upns),
        "sex": (sex,) if sex else (),
    }


def rank(
    query: dict[str, tuple[str, ...]], rows: list[tuple[Any, dict[str, tuple[str, ...]]]], weights: Weights
) -> list[Scored]:
    """Every candidate scored, best first (ties in a stable order, by id)."""
    memo: dict[tuple[Any, ...], FieldScore] = {}
    scored = [Scored(person_id, *score(query, values, weights, memo)) for person_id, values in rows]
    scored.sort(key=lambda s: (-s.match_weight, str(s.person_id)))
    return scored
