"""The Splink side of matching: comparisons, the profiles table, the stored model (ADR 0002).

Helper "dedupe" and `train` use these; the interactive scorer only reads the weight table derived
here (`weights_from_settings`). Splink and DuckDB are imported lazily: a web process that only
scores never loads them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from ..models import MatcherModel, PersonMatchProfile
from ..normalise import PROFILE_SEPARATOR
from .defaults import DEFAULT_LAMBDA, DEFAULT_PROBABILITIES
from .levels import (
    AREA_REGEX,
    DISTRICT_REGEX,
    FIELDS,
    NAME_JW_THRESHOLDS,
    NAME_SWAP_THRESHOLD,
    SECTOR_REGEX,
    splink_postcode,
)

if TYPE_CHECKING:
    import pyarrow

PROFILE_COLUMNS = (
    "unique_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
)
# EM drives m towards 0 for a level it never sees among its matches (a postcode district in a
# population generated without near moves gave log2(m/u) = -54, enough to sink any true match).
# No recording error is rarer than this among a person's own records.
MIN_M = 1e-4
# Rows per Arrow batch when streaming profiles out of the database.
BATCH_ROWS = 50_000


def comparisons() -> list[Any]:
    """Splink comparisons with exactly the levels of `levels.FIELDS`, in the same order.

    Names are built level by level rather than with `NameComparison`, whose exact level keeps its
    term-frequency adjustment even when configured off (Splink 5.0.0); ADR 0002 scores without
    term frequencies. Each name has a "swapped" level after exact (forename and surname written the
    other way round, a typo allowed): FEBRL4 and FEBRL3 showed it was the largest single cause of
    missed matches. Postcodes are Splink's `PostcodeComparison` levels with one added after exact, a
    one-character typo or transposition, the next largest cause.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression

    def name(column: str, other: str) -> Any:
        swapped = cll.CustomLevel(
            f'jaro_winkler_similarity("{column}_l", "{other}_r") >= {NAME_SWAP_THRESHOLD}'
            f' AND jaro_winkler_similarity("{other}_l", "{column}_r") >= {NAME_SWAP_THRESHOLD}',
            label_for_charts=f"{column} swapped with {other}",
        )
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column),
                swapped,
                *(cll.JaroWinklerLevel(column, threshold) for threshold in NAME_JW_THRESHOLDS),
                cll.ElseLevel(),
            ],
            comparison_description=f"{column} (exact, Jaro-Winkler)",
        )

    swap = cll.CustomLevel(
        "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4)"
        " and substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2)"
        " and substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)",
        label_for_charts="day/month swapped",
    )
    return [
        name("given_name", "family_name"),
        name("family_name", "given_name"),
        cl.CustomComparison(
            output_column_name="date_of_birth",
            comparison_levels=[
                cll.NullLevel("date_of_birth"),
                cll.ExactMatchLevel("date_of_birth"),
                swap,
                cll.LevenshteinLevel("date_of_birth", 1),
                cll.LevenshteinLevel("date_of_birth", 2),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="postcode",
            comparison_levels=[
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode"),
                cll.DamerauLevenshteinLevel("postcode", 1),
                *(
                    cll.ExactMatchLevel(ColumnExpression("postcode").regex_extract(pattern)).configure(
                        label_for_charts=f"Exact match on {part}"
                    )
                    for part, pattern in (
                        ("sector", SECTOR_REGEX),
                        ("district", DISTRICT_REGEX),
                        ("area", AREA_REGEX),
                    )
                ),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="nhs_number",
            comparison_levels=[
                cll.NullLevel("nhs_number"),
                cll.ExactMatchLevel("nhs_number"),
                cll.DamerauLevenshteinLevel("nhs_number", 1),
                cll.ElseLevel(),
            ],
        ),
        cl.ExactMatch("upn"),
        cl.ExactMatch("sex"),
    ]


def settings_creator(link_type: str = "dedupe_only", blocking_rules: list[Any] | None = None) -> Any:
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]  # one of Splink's literals, checked by Splink
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules
        or [block_on("nhs_number"), block_on("upn"), block_on("date_of_birth")],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


# --- the profiles, as Splink's input --------------------------------------------------------------


def _first(joined: str) -> str | None:
    value = joined.split(PROFILE_SEPARATOR, 1)[0] if joined else ""
    return value or None


def profile_rows(queryset: QuerySet[PersonMatchProfile] | None = None) -> Iterator[tuple[Any, ...]]:
    """One tuple per profile in `PROFILE_COLUMNS` order; streamed, never all in memory at once."""
    qs = PersonMatchProfile.objects.all() if queryset is None else queryset
    rows = qs.values_list(
        "person_id", "given_names", "family_names", "date_of_birth", "sex", "postcodes", "nhs_number", "upns"
    ).iterator(chunk_size=5_000)
    for person_id, given, family, dob, sex, postcodes, nhs, upns in rows:
        postcode = _first(postcodes)
        yield (
            str(person_id),
            _first(given),
            _first(family),
            dob.isoformat() if dob else None,
            sex or None,
            splink_postcode(postcode) if postcode else None,
            nhs or None,
            _first(upns),
        )


def arrow_table(rows: Iterator[tuple[Any, ...]], on_rows: Any = None) -> pyarrow.Table:
    """Build an all-string Arrow table from row tuples in batches (`on_rows(n)` after each batch)."""
    import pyarrow as pa

    schema = pa.schema([(column, pa.string()) for column in PROFILE_COLUMNS])
    batches = []
    buffer: list[tuple[Any, ...]] = []
    done = 0

    def flush() -> None:
        nonlocal done
        columns = list(zip(*buffer, strict=True)) if buffer else [() for _ in PROFILE_COLUMNS]
        batches.append(pa.record_batch([pa.array(col, pa.string()) for col in columns], schema=schema))
        done += len(buffer)
        buffer.clear()
        if on_rows is not None:
            on_rows(done)

    for row in rows:
        buffer.append(row)
        if len(buffer) >= BATCH_ROWS:
            flush()
    if buffer or not batches:
        flush()
    return pa.Table.from_batches(batches, schema=schema)


def profiles_table(
    queryset: QuerySet[PersonMatchProfile] | None = None, on_rows: Any = None
) -> pyarrow.Table:
    """Every (or `queryset`'s) match profile as an Arrow table Splink can register.

    Columns `PROFILE_COLUMNS`, all strings, null for missing; the first (current) value of each
    multi-valued field; postcodes with their space, as Splink's postcode patterns expect.
    """
    return arrow_table(profile_rows(queryset), on_rows=on_rows)


# --- the stored model ---------------------------------------------------------------------------


def active_model() -> MatcherModel | None:
    return MatcherModel.objects.filter(is_active=True).first()


def default_settings() -> dict[str, Any]:
    """Splink settings carrying the built-in (version 0) probabilities."""
    settings = settings_creator().create_settings_dict("duckdb")
    settings["probability_two_random_records_match"] = DEFAULT_LAMBDA
    for comparison in settings["comparisons"]:
        probabilities = iter(DEFAULT_PROBABILITIES[comparison["output_column_name"]])
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            level["m_probability"], level["u_probability"] = next(probabilities)
    return settings


def linker_settings(model: MatcherModel | None) -> dict[str, Any]:
    """The stored Splink settings of `model` (the defaults when None), ready for `Linker(sdf, ...)`."""
    if model is None:
        return default_settings()
    return dict(model.settings)


def weights_from_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Our weight table from Splink's settings: log2(m/u) per non-null level, and the prior.

    Raises ValueError if a level has no m or u (fill them first: `fill_missing_probabilities`).
    """
    prior = settings["probability_two_random_records_match"]
    by_name = {comparison["output_column_name"]: comparison for comparison in settings["comparisons"]}
    table: dict[str, list[dict[str, Any]]] = {}
    for field in FIELDS:
        levels = [
            level for level in by_name[field.name]["comparison_levels"] if not level.get("is_null_level")
        ]
        if len(levels) != len(field.labels):
            raise ValueError(f"{field.name}: Splink has {len(levels)} levels, the scorer {len(field.labels)}")
        rows = []
        for label, level in zip(field.labels, levels, strict=True):
            m, u = level.get("m_probability"), level.get("u_probability")
            if not m or not u:
                raise ValueError(f"{field.name} level '{label}' has no m or u probability")
            rows.append({"label": label, "weight": math.log2(m / u), "m": m, "u": u})
        table[field.name] = rows
    return {"prior": math.log2(prior / (1 - prior)), "comparisons": table}


def fill_missing_probabilities(
    settings: dict[str, Any], *, overrides: dict[tuple[str, int], float]
) -> list[str]:
    """Set u by hand where given (`overrides[(field, level)]`), and fill any m or u that training
    left unset from the defaults. Returns what was filled, for the model's metrics.

    A comparison's m values are one distribution (they sum to 1 over its levels). When EM never saw
    the exact level, what it learnt is degenerate, so all of that comparison's m come from the
    defaults: where the index never holds one person's NHS number twice (import refuses it), EM
    puts all of m on "different", and a conflicting NHS number or UPN would then count for nothing
    (weight 0) instead of strongly against the match. A rarer level left unlearnt (a name swap in
    data that has none) is filled on its own, as the learnt levels are sound.
    """
    filled: list[str] = []
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        defaults = DEFAULT_PROBABILITIES[name]
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        if levels and not _probability(levels[0].get("m_probability")):
            for index, level in enumerate(levels):
                level["m_probability"] = defaults[index][0]
            filled.append(
                f"{name}: m not learnt for an exact match, so the built-in m used for all its levels"
            )
        for index, level in enumerate(levels):
            if (name, index) in overrides:
                level["u_probability"] = overrides[(name, index)]
                filled.append(f"{name}[{index}].u set by hand to {overrides[(name, index)]:.3g}")
            for key, default in (
                ("m_probability", defaults[index][0]),
                ("u_probability", defaults[index][1]),
            ):
                value = level.get(key)
                if not _probability(value):
                    level[key] = default
                    filled.append(f"{name}[{index}].{key[0]} not estimated: default {default:.3g}")
            if level["m_probability"] < MIN_M:
                filled.append(f"{name}[{index}].m {level['m_probability']:.3g} raised to {MIN_M:g}")
                level["m_probability"] = MIN_M
    return filled


def _probability(value: Any) -> bool:
    return value is not None and 0 < value <= 1
