"""The batch dedupe itself: Splink (DuckDB) over the profiles, with the stored model (ADR 0002 s.8).

No training happens here: the linker gets the active model's settings with only the blocking rules
swapped for the tight set below. The interactive keys (`dob`, `sy`, `fy` alone) generate about 74M
pairs at 1M people and did not finish in six minutes. Splink and DuckDB are imported inside the
functions: a web process never loads them.

Measured per rule on 1M synthetic records (130,412 true pairs; the table is in ADR 0002 s.8),
this set scores 1.53M pairs and blocks 99.2% of the true pairs. Two rules were cut:
forename+surname phonetic alone made 29.7M of the 31.6M pairs for 450 more true pairs, none of them
scoring 0.9 (they lack a date of birth and moved house, so only the names agree); postcode+surname
made 1.4M pairs (every family at an address), and every true pair only it found at 0.9 also shared
the forename's first letter, so that letter now narrows it to 0.18M.
"""

from __future__ import annotations

import copy
import functools
import time
from collections.abc import Callable, Iterable
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
    "l.postcode = r.postcode and l.sn_ph = r.sn_ph"
    " and substr(l.given_name, 1, 1) = substr(r.given_name, 1, 1)",
    f"l.fn_ph = r.fn_ph and l.sn_ph = r.sn_ph and {_YOB}",
    f"l.postcode = r.postcode and {_YOB}",
)
# A group of three or more is only joined through links at least this strong, or through two
# records that are each other's best match. Weak links chain families together: a twin scores 0.9
# or more against their sibling's duplicate, a parent against a child of the same name.
STRONG_LINK = 0.9999
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

    # Names repeat (a million records hold a few thousand distinct forenames), so each distinct
    # spelling is coded once.
    code = functools.lru_cache(maxsize=None)(lambda value: phonetic(value) or None if value else None)
    for source, column in (("given_name", "fn_ph"), ("family_name", "sn_ph")):
        codes = [code(value) for value in table.column(source).to_pylist()]
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
        name = predictions.physical_name
        pairs = int(con.execute(f"select count(*) from {name}").fetchall()[0][0])  # noqa: S608  # nosec B608
        # Splink's own table name; the threshold is a parameter.
        links = con.execute(
            f"select unique_id_l, unique_id_r, match_probability from {name} where match_probability >= ?",  # noqa: S608  # nosec B608
            [float(threshold)],
        ).fetchall()
        found = cluster_links(links, threshold=threshold)
        seconds["cluster"] = time.monotonic() - mark
    finally:
        con.close()
    seconds["total"] = time.monotonic() - started
    return DedupeResult(people=table.num_rows, pairs=pairs, clusters=found, seconds=seconds)


def cluster_links(
    links: Iterable[tuple[Any, Any, float]], *, threshold: float, strong: float = STRONG_LINK
) -> list[FoundCluster]:
    """Clusters of two or more from scored pairs, each member with its best probability to another.

    Records are joined only through links at or above `strong`, or through a link at or above
    `threshold` between two records that are each other's best match (ties count for both); a link
    from a record whose best match lies elsewhere joins nothing. Connected components of every link
    at the threshold put twins, and parents and children of the same name, into one group with
    their duplicates. Deterministic: the result depends only on the set of links, not their order.
    """
    strong = max(strong, threshold)
    kept: list[tuple[str, str, float]] = []
    best: dict[str, float] = {}
    for left, right, probability in links:
        if probability is None or probability < threshold:
            continue
        left, right, probability = str(left), str(right), float(probability)
        kept.append((left, right, probability))
        for record in (left, right):
            if probability > best.get(record, -1.0):
                best[record] = probability
    parent: dict[str, str] = {}

    def root(record: str) -> str:
        parent.setdefault(record, record)
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    for left, right, probability in kept:
        if probability >= strong or (probability == best[left] and probability == best[right]):
            a, b = root(left), root(right)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, dict[str, float]] = {}
    for left, right, probability in kept:
        group = root(left) if left in parent else None
        if group is None or right not in parent or root(right) != group:
            continue
        scores = members.setdefault(group, {})
        for record in (left, right):
            if probability > scores.get(record, -1.0):
                scores[record] = probability
    return [
        FoundCluster(members=tuple(sorted(scores.items())))
        for _, scores in sorted(members.items())
        if len(scores) > 1
    ]


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
