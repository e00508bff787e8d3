"""Write a population and its queries as the four CSV files the benchmarks read."""

import csv
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .generator import generate_population, generate_queries
from .record import IMPORT_HEADER, Record

POPULATION_FILE = "population.csv"
TRUTH_FILE = "truth.csv"
QUERIES_FILE = "queries.csv"
QUERIES_TRUTH_FILE = "queries_truth.csv"
# Progress is reported once per this many people, not per record: a callback a record would cost
# more than writing the record.
PROGRESS_EVERY = 10_000


@dataclass
class Summary:
    persons: int = 0
    records: int = 0
    duplicates: int = 0
    queries: int = 0
    queries_in_index: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    corruptions: Counter[str] = field(default_factory=Counter)

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates / self.persons if self.persons else 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_files(
    out: Path,
    *,
    people: int,
    seed: int,
    duplicate_rate: float = 0.15,
    queries: int = 0,
    in_index_ratio: float = 0.8,
    advance: Callable[[str], object] | None = None,
) -> Summary:
    """Write population.csv (import header), truth.csv (source_id,true_id) and, when `queries`,
    queries.csv (import header, source_id = query id) and queries_truth.csv (query_id,true_id,
    empty for someone not in the index). One pass: the population streams to disk while the query
    sampler looks at it."""
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    with (
        (out / POPULATION_FILE).open("w", newline="", encoding="utf-8") as population_file,
        (out / TRUTH_FILE).open("w", newline="", encoding="utf-8") as truth_file,
    ):
        rows, truth = (
            csv.writer(population_file, lineterminator="\n"),
            csv.writer(truth_file, lineterminator="\n"),
        )
        rows.writerow(IMPORT_HEADER)
        truth.writerow(("source_id", "true_id"))

        def written() -> Iterator[Record]:
            for record in generate_population(people=people, seed=seed, duplicate_rate=duplicate_rate):
                rows.writerow(record.row())
                truth.writerow((record.source_id, record.true_id))
                summary.records += 1
                if record.primary:
                    summary.persons += 1
                    if advance is not None and summary.persons % PROGRESS_EVERY == 0:
                        advance("population")
                else:
                    summary.duplicates += 1
                    summary.corruptions.update(record.corruptions)
                yield record
            if advance is not None and summary.persons % PROGRESS_EVERY:
                advance("population")  # the last, partial step

        if queries:
            query_rows = generate_queries(
                population=written(), count=queries, seed=seed, in_index_ratio=in_index_ratio
            )
            with (
                (out / QUERIES_FILE).open("w", newline="", encoding="utf-8") as queries_file,
                (out / QUERIES_TRUTH_FILE).open("w", newline="", encoding="utf-8") as answers_file,
            ):
                query_writer = csv.writer(queries_file, lineterminator="\n")
                answers = csv.writer(answers_file, lineterminator="\n")
                query_writer.writerow(IMPORT_HEADER)
                answers.writerow(("query_id", "true_id"))
                for query in query_rows:
                    query_writer.writerow(query.row())
                    answers.writerow((query.source_id, query.true_id))
                    summary.queries += 1
                    summary.queries_in_index += bool(query.true_id)
            if advance is not None:
                advance("queries")
        else:
            for _ in written():
                pass
    summary.seconds = time.monotonic() - started
    summary.peak_rss_mb = peak_rss_mb()
    return summary
