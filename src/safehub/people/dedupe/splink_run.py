"""The batch dedupe itself: Splink (DuckDB) over the profiles, with the stored model (ADR 0002 s.8).

No training happens here: the linker gets the active model's settings with only the blocking rules
swapped for the tight set below. The interactive keys (`dob`, `sy`, `fy` alone) generate about 74M
pairs at 1M people and did not finish in six minutes; these generate about 5.4M with 96%+ pair
recall. Splink and DuckDB are imported inside the functions: a web process never loads them.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..normalise import phonetic

if TYPE_CHECKING:
    import pyarrow

# Birth year, from the ISO date string every profile carries.
_YOB = "substr(l.date_of_birth, 1, 4) = substr(r.date_of_birth, 1, 4)"
TIGHT_BLOCKING_RULES = (
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.date_of_birth = r.date_of_birth and l.sn_ph = r.sn_ph",
    "l.date_of_birth = r.date_of_birth and l.fn_ph = r.fn_ph",
    "l.postcode = r.postcode and l.fn_ph = r.fn_ph",
    "l.postcode = r.postcode and l.sn_ph = r.sn_ph",
    f"l.fn_ph = r.fn_ph and l.sn_ph = r.sn_ph and {_YOB}",
    f"l.postcode = r.postcode and {_YOB}",
    "l.fn_ph = r.fn_ph and l.sn_ph = r.sn_ph",
)
# DuckDB's own ceiling; the rest of the process (Python, the Arrow table) sits beside it.
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass(frozen=True)
class FoundCluster:
    """People Splink put together at the threshold, each with their best probability to another member."""

    members: tuple[tuple[str, float], ...]

    @property
    def person_ids(self) -> tuple[str, ...]:
        return tuple(person_id for person_id, _ in self.members)

    @property
    def max_probability(self) -> float:
        return max(probability for _, probability in self.members)


@dataclass
class DedupeResult:
    people: int
    pairs: int
    clusters: list[FoundCluster]
    seconds: dict[str, float] = field(default_factory=dict)


def with_phonetic_columns(table: pyarrow.Table) -> pyarrow.Table:
    """Add `fn_ph` and `sn_ph` (metaphone of the forename and surname) for the blocking rules."""
    import pyarrow as pa

    for source, column in (("given_name", "fn_ph"), ("family_name", "sn_ph")):
        codes = [phonetic(value) or None if value else None for value in table.column(source).to_pylist()]
        table = table.append_column(column, pa.array(codes, pa.string()))
    return table


def dedupe_settings(
    settings: dict[str, Any], rules: tuple[str, ...] = TIGHT_BLOCKING_RULES
) -> dict[str, Any]:
    """The stored model's settings with the dedupe blocking rules (m, u and the prior untouched)."""
    settings = copy.deepcopy(settings)
    settings["link_type"] = "dedupe_only"
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in rules
    ]
    settings["retain_matching_columns"] = False
    settings["retain_intermediate_calculation_columns"] = False
    return settings


def run_dedupe(
    table: pyarrow.Table,
    settings: dict[str, Any],
    *,
    threshold: float,
    on_step: Callable[[str], None] | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> DedupeResult:
    """Score every blocked pair with `settings`, cluster at `threshold`, return clusters of two or more."""
    import duckdb
    from splink import DuckDBAPI, Linker

    step = on_step or (lambda _label: None)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    table = with_phonetic_columns(table)
    seconds["phonetic"] = time.monotonic() - started
    step("blocking and scoring")
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{_safe_limit(memory_limit)}'")
        db = DuckDBAPI(connection=con)
        linker = Linker(db.register(table), dedupe_settings(settings))
        mark = time.monotonic()
        # Every blocked pair is scored and kept (in DuckDB) so the run can say how many it scored.
        predictions = linker.inference.predict()
        seconds["predict"] = time.monotonic() - mark
        step("clustering")
        mark = time.monotonic()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        found = _clusters(con, clusters.physical_name, predictions.physical_name, threshold)
        seconds["cluster"] = time.monotonic() - mark
        pairs = int(con.execute(f"select count(*) from {predictions.physical_name}").fetchall()[0][0])  # noqa: S608  # nosec B608
    finally:
        con.close()
    seconds["total"] = time.monotonic() - started
    return DedupeResult(people=table.num_rows, pairs=pairs, clusters=found, seconds=seconds)


# Table names are filled in from Splink's own generated identifiers (no user input); the threshold
# is a parameter.
_CLUSTER_MEMBERS_SQL = """
        with edges as (
            select unique_id_l, unique_id_r, match_probability from {predictions}
            where match_probability >= ?
        ),
        sizes as (
            select cluster_id from {clusters} group by cluster_id having count(*) > 1
        ),
        members as (
            select c.cluster_id, c.unique_id from {clusters} c join sizes using (cluster_id)
        ),
        sides as (
            select unique_id_l as unique_id, unique_id_r as other, match_probability from edges
            union all
            select unique_id_r, unique_id_l, match_probability from edges
        )
        select m.cluster_id, m.unique_id, max(s.match_probability)
        from members m
        join members o on o.cluster_id = m.cluster_id and o.unique_id <> m.unique_id
        join sides s on s.unique_id = m.unique_id and s.other = o.unique_id
        group by m.cluster_id, m.unique_id
        order by m.cluster_id, m.unique_id
        """


def _clusters(con: Any, clusters_table: str, predictions_table: str, threshold: float) -> list[FoundCluster]:
    """Clusters of two or more, each member with its best probability to another member.

    Only edges at or above the threshold can join a cluster, so only those are searched for the
    best probability (a few per cent of the scored pairs).
    """
    sql = _CLUSTER_MEMBERS_SQL.format(predictions=predictions_table, clusters=clusters_table)
    rows = con.execute(sql, [float(threshold)]).fetchall()
    grouped: dict[str, list[tuple[str, float]]] = {}
    for cluster_id, unique_id, probability in rows:
        grouped.setdefault(str(cluster_id), []).append((str(unique_id), float(probability)))
    return [FoundCluster(members=tuple(members)) for members in grouped.values() if len(members) > 1]


def _safe_limit(limit: str) -> str:
    """A DuckDB size such as 4GB or 500MB (it goes into a SET statement)."""
    text = limit.strip().upper().replace(" ", "")
    number = text.rstrip("KMGTIB")
    if not number.isdigit() or text[len(number) :] not in {
        "KB",
        "MB",
        "GB",
        "TB",
        "KIB",
        "MIB",
        "GIB",
        "TIB",
    }:
        raise ValueError(f"Not a memory size: {limit!r} (e.g. 4GB)")
    return text
