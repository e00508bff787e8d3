"""`safehub people train-matcher`: train the match weights with Splink on the current index (ADR 0002 s.7).

Steps: stream the profiles into DuckDB; estimate lambda from deterministic rules; u by random
sampling; m by expectation maximisation blocked on date of birth, then on the names; fill the
identifier u values by hand (random sampling never sees two people share an NHS number or UPN);
store the model as the next version and activate it (audited).

On a small index (a demo or training city of a few hundred people) there are too few duplicates
for EM to learn how often a person's own records disagree, so m keeps the built-in values and only
u (which needs no duplicates) is learnt; the command says so.
"""

from __future__ import annotations

import argparse
import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from .defaults import DEFAULT_LAMBDA

# Below this many records, EM is not run (see the module docstring).
MIN_RECORDS_FOR_EM = 1_000
# EM compares every pair in a block; past this many records it samples them so that memory and
# time stay bounded (the ADR measured 6 GB and 250 s for EM on dob at 1M with no sampling).
EM_FULL_RECORDS = 300_000
DEFAULT_U_PAIRS = 5e6
# Identifier levels u cannot be estimated by sampling: an NHS number one edit from another
# person's is as unlikely as a typo landing on a real number.
NHS_NEAR_U = 1e-6
DUCKDB_MEMORY_LIMIT = "4GB"
# The share of true duplicate pairs that agree exactly on NHS number and date of birth, or on both
# names and date of birth: about 0.6 in the synthetic population (typos, nicknames, changed
# surnames and missing numbers break the rest); lambda scales with 1/recall.
LAMBDA_RECALL = 0.6

NAME = "train-matcher"
HELP = "Train the match weights with Splink on the current index, store them as a new version and use them."


@dataclass
class Trained:
    settings: dict[str, Any]
    weights: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _distinct(tables: Sequence[Any], column: str) -> int:
    import pyarrow.compute as pc

    values: set[str] = set()
    for table in tables:
        array = table.column(column) if hasattr(table, "column") else table[column]
        values.update(v for v in pc.unique(array).to_pylist() if v)
    return len(values)


def train(
    tables: Sequence[Any],
    *,
    link_type: str = "dedupe_only",
    u_pairs: float = DEFAULT_U_PAIRS,
    seed: int = 1,
    on_step: Callable[[str], None] = lambda message: None,
    lambda_recall: float = LAMBDA_RECALL,
) -> Trained:
    """Train on one table (dedupe) or two (link) of `splink_model.PROFILE_COLUMNS`; Arrow or pandas.

    Returns the Splink settings (identifier u filled in), our weight table and what was done.
    """
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    from .splink_model import fill_missing_probabilities, settings_creator, weights_from_settings

    records = sum(len(t) for t in tables)
    metrics: dict[str, Any] = {"records": records, "link_type": link_type, "seconds": {}}
    notes: list[str] = []
    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    db = DuckDBAPI(connection=connection)
    frames = [db.register(t, dataset_display_name=f"profiles_{i}") for i, t in enumerate(tables)]
    linker = Linker(
        frames if len(frames) > 1 else frames[0], settings_creator(link_type), log_level="WARNING"
    )

    def step(label: str, action: Callable[[], Any]) -> bool:
        on_step(f"{label}...")
        started = time.monotonic()
        try:
            action()
        except Exception as error:  # Splink raises bare exceptions for degenerate data
            notes.append(f"{label} failed ({type(error).__name__}: {error}); built-in values kept")
            on_step(f"  failed: {error}")
            return False
        finally:
            metrics["seconds"][label] = round(time.monotonic() - started, 2)
        on_step(f"  done in {metrics['seconds'][label]:.1f}s")
        return True

    training = linker.training
    step(
        "lambda from exact identifiers and exact name with date of birth",
        lambda: training.estimate_probability_two_random_records_match(
            [block_on("nhs_number", "date_of_birth"), block_on("given_name", "family_name", "date_of_birth")],
            recall=lambda_recall,
        ),
    )
    prior = linker._settings_obj._probability_two_random_records_match
    if not prior or not (0 < prior < 1):
        # No pair agreed exactly (a new index without duplicates yet): EM cannot start from zero.
        # Splink has no public setter for lambda, hence the private attribute.
        linker._settings_obj._probability_two_random_records_match = DEFAULT_LAMBDA
        notes.append(f"lambda could not be estimated (no exact agreements); built-in {DEFAULT_LAMBDA:g} used")
    pairs = min(u_pairs, max(records * (records - 1) / 2, 1))
    step(
        f"u by random sampling ({pairs:,.0f} pairs)",
        lambda: training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed),
    )
    if records >= MIN_RECORDS_FOR_EM:
        proportion = min(1.0, EM_FULL_RECORDS / records)
        metrics["em_record_sample_proportion"] = proportion
        for label, rule in (
            ("m by EM blocked on date of birth", block_on("date_of_birth")),
            ("m by EM blocked on given and family name", block_on("given_name", "family_name")),
        ):
            step(label, functools.partial(_em, training, rule, proportion))
    else:
        notes.append(
            f"Only {records} records: too few duplicates for EM to learn m, so m keeps the built-in "
            "values; u and lambda were estimated from this index"
        )
    settings = linker.misc.save_model_to_json()
    overrides: dict[tuple[str, int], float] = {}
    if _u_unset(settings, "nhs_number", 1):
        overrides[("nhs_number", 1)] = NHS_NEAR_U
    for column, level in (("nhs_number", 0), ("upn", 0)):
        distinct = _distinct(tables, column)
        metrics[f"distinct_{column}"] = distinct
        if distinct:
            overrides[(column, level)] = 1 / distinct
    metrics["filled"] = fill_missing_probabilities(settings, overrides=overrides)
    metrics["lambda"] = settings["probability_two_random_records_match"]
    metrics["notes"] = notes
    return Trained(settings=settings, weights=weights_from_settings(settings), metrics=metrics, notes=notes)


def _em(training: Any, rule: Any, proportion: float) -> None:
    training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=proportion)


def _u_unset(settings: dict[str, Any], name: str, index: int) -> bool:
    """Random sampling never saw this level among non-matches (for real NHS numbers, whose check
    digit makes two valid numbers one edit apart impossible, it never will)."""
    for comparison in settings["comparisons"]:
        if comparison["output_column_name"] == name:
            levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
            return not levels[index].get("u_probability")
    return True


# --- the command ----------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="Record the training and activation as this user (else as the command)",
    )
    parser.add_argument("--no-activate", action="store_true", help="Store the new version without using it")
    parser.add_argument(
        "--u-pairs",
        type=float,
        default=DEFAULT_U_PAIRS,
        help="Random pairs sampled for u (default %(default).0f)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="Random seed for the u sample (default %(default)s)"
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    import splink

    from ..imports.command import _Progress
    from ..models import PersonMatchProfile
    from ..services.match import matcher_model_store
    from .splink_model import profiles_table

    actor = _actor(options.get("as_user"))
    analyse_index_tables()
    total = PersonMatchProfile.objects.count()
    if total < 2:
        raise CommandError(f"The index holds {total} people: at least 2 are needed to train")
    started = time.monotonic()
    command.stderr.write(f"Reading {total:,} match profiles into DuckDB")
    progress = _Progress(command.stderr, total)
    try:
        table = profiles_table(on_rows=progress.update)
    finally:
        progress.finish()

    def say(message: str) -> None:
        command.stderr.write(message)

    trained = train([table], u_pairs=options["u_pairs"], seed=options["seed"], on_step=say)
    trained.metrics["seconds"]["total"] = round(time.monotonic() - started, 1)
    model = matcher_model_store(
        actor=actor,
        settings=trained.settings,
        weights=trained.weights,
        metrics=trained.metrics,
        splink_version=splink.__version__,
        activate=not options["no_activate"],
        actor_label="" if actor else "safehub people train-matcher",
    )
    command.stdout.write(summary(model.version, trained, active=model.is_active))


def analyse_index_tables() -> None:
    """Refresh the query planner's statistics on the tables a search reads.

    After a bulk load SQLite has none, and then plans the policy's `merged_into IS NULL` through its
    index instead of the primary key: a scan of the whole person table on every search (measured:
    6.5 ms per search at 23k people, growing with the index). PostgreSQL's autovacuum gets there
    eventually; doing it here, when the index has just changed enough to retrain, costs seconds.

    On PostgreSQL it is VACUUM (ANALYZE) where it may run (not inside a transaction): rows just
    loaded are not yet marked all-visible, so every index-only lookup of a search's keys also reads
    each row from the table (measured at 1M people: 100 extra page reads per common key, about half
    of a search's database time) until autovacuum happens to reach the table.
    """
    from django.db import connection

    from ..models import Person, PersonIdentifier, PersonMatchKey, PersonMatchProfile

    command = "ANALYZE"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        command = "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in (Person, PersonIdentifier, PersonMatchKey, PersonMatchProfile):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def summary(version: int, trained: Trained, *, active: bool) -> str:
    lines = [
        f"Matcher model v{version} trained on {trained.metrics['records']:,} records "
        f"in {trained.metrics['seconds'].get('total', 0):.0f}s{' and activated' if active else ' (not active)'}.",
        f"lambda {trained.metrics['lambda']:.3g} (prior weight {trained.weights['prior']:+.2f})",
    ]
    for name, levels in trained.weights["comparisons"].items():
        cells = ", ".join(f"{row['label']} {row['weight']:+.2f}" for row in levels)
        lines.append(f"  {name}: {cells}")
    lines += [f"  note: {note}" for note in trained.notes]
    filled = [f for f in trained.metrics.get("filled", []) if "by hand" in f]
    lines += [f"  {f}" for f in filled]
    return "\n".join(lines)


def _actor(email: str | None) -> Any:
    if not email:
        return None
    from safehub.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not user.is_active:
        raise CommandError(f"No active user has the email address {email}")
    return user


def weights_are_finite(weights: dict[str, Any]) -> bool:
    return all(math.isfinite(row["weight"]) for rows in weights["comparisons"].values() for row in rows)
