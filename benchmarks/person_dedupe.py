"""Batch deduplication of the person index: `safehub people dedupe` against plain Splink (issue 3).

Loads a synthetic population (from `safehub generate_population`; truth.csv holds the true person
of every record) with `safehub people import-csv`, makes sure a trained model is active
(`train-matcher`, timed apart), then times the dedupe service end to end: profile export, Splink
predict with the stored model and the tight blocking rules, clustering at 0.9 and writing the
review queue. In the same run it trains and runs a default Splink pipeline (Splink's comparison
library with term frequencies, the blocking rules from Splink's deduplication tutorial) on the same
profiles, and prints both side by side with the ratios.

Figures: wall time, peak RSS of this process while the step ran (psutil, sampled every 0.1 s;
DuckDB runs in-process so it is included), pairs scored, clusters, and cluster F1 (pairwise
precision and recall of the pairs implied by the clusters against the pairs implied by truth.csv,
over the records that loaded: import refuses a second record carrying an NHS number already held).

    .venv/bin/python benchmarks/person_dedupe.py --population DIR          # DIR from generate_population
    .venv/bin/python benchmarks/person_dedupe.py --people 100000           # generate first
    .venv/bin/python benchmarks/person_dedupe.py --db FILE --reuse         # an already loaded SQLite file
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/person_dedupe.py --population DIR
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from _measure import PeakRSS  # noqa: E402 - beside this script, found once sys.path is set

AGENCY_CODE = "BENCHDD"
OPERATOR = "dedupe-bench@example.test"
THRESHOLD = 0.9


def pairwise_f1(clusters: Iterable[Iterable[str]], truth_of: dict[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the record pairs inside predicted clusters against true pairs."""
    true_sizes = Counter(truth_of.values())
    true_pairs = sum(n * (n - 1) // 2 for n in true_sizes.values())
    predicted = correct = 0
    for members in clusters:
        members = [m for m in members if m in truth_of]
        predicted += len(members) * (len(members) - 1) // 2
        correct += sum(n * (n - 1) // 2 for n in Counter(truth_of[m] for m in members).values())
    precision = correct / predicted if predicted else 0.0
    recall = correct / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--population", type=Path, help="Directory with population.csv and truth.csv")
    parser.add_argument("--people", type=int, help="Generate a population of this many persons first")
    parser.add_argument("--db", type=Path, help="SQLite file to use (default: a new one in a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="The database is already loaded: skip import")
    parser.add_argument("--skip-splink", action="store_true", help="Do not run the plain Splink baseline")
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="safehub-dedupe-bench-"))
    db_path = args.db or workdir / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path.resolve()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    population = args.population
    if population is None and not args.reuse:
        if not args.people:
            parser.error("give --population DIR, --people N or --reuse")
        population = workdir / "population"
        call_command("generate_population", people=args.people, out=population, stdout=io.StringIO())
    if population is None:
        parser.error("--reuse still needs --population DIR for truth.csv")
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {os.environ['DATABASE_URL']}", file=sys.stderr)

    operator = _operator()
    if not args.reuse:
        started = time.perf_counter()
        _load(call_command, population / "population.csv", workdir)
        print(f"loaded in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    _ensure_model(call_command)

    truth_by_source = _read_truth(population / "truth.csv")
    person_truth = _person_truth(truth_by_source)
    print(f"{len(person_truth):,} records loaded with a known true person", file=sys.stderr)

    ours = _run_ours(operator.email, args.memory_limit)
    precision, recall, f1 = pairwise_f1(ours["clusters"], person_truth)
    ours.update(precision=precision, recall=recall, f1=f1)
    _print("safehub people dedupe", ours)

    if args.skip_splink:
        return
    theirs = _run_plain_splink(person_truth, args.memory_limit)
    _print("plain Splink (trained now, tutorial blocking)", theirs)
    print()
    print(f"ratio wall time (ours / Splink): {ours['seconds'] / theirs['seconds']:.2f}")
    print(f"ratio CPU time (ours / Splink): {ours['cpu'] / theirs['cpu']:.2f}")
    print(f"ratio peak RSS (ours / Splink): {ours['rss'] / theirs['rss']:.2f}")
    print(f"ratio pairs scored (ours / Splink): {ours['pairs'] / max(theirs['pairs'], 1):.2f}")
    print(
        f"cluster F1: ours {ours['f1']:.4f}, Splink {theirs['f1']:.4f} (difference {ours['f1'] - theirs['f1']:+.4f})"
    )


def _operator() -> Any:
    from safehub.accounts.constants import AgencyKind, Role
    from safehub.accounts.models import Agency, User

    Agency.objects.get_or_create(
        ods_code=AGENCY_CODE,
        defaults={"name": "Dedupe benchmark council", "kind": AgencyKind.CHILDRENS_SERVICES},
    )
    user = User.objects.filter(email=OPERATOR).first()
    if user is None:
        user = User.objects.create_user(
            OPERATOR, "bench-password-not-used", full_name="Dedupe Bench", role=Role.TEAM_MANAGER
        )
    return user


def loadable(source: Path, target: Path) -> int:
    """Copy the population, blanking an NHS number or UPN that an earlier row already carries.

    The index holds each national identifier once, so import would refuse those duplicates outright;
    blanked, they load as the duplicate records a council really ends up with (no number, or a
    number recorded on one record only), and every generated duplicate stays in the measurement.
    """
    seen: dict[str, set[str]] = {"nhs_number": set(), "upn": set()}
    blanked = 0
    with (
        source.open(newline="", encoding="utf-8") as src,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or []), lineterminator="\n")
        writer.writeheader()
        for row in reader:
            for column, values in seen.items():
                value = row.get(column, "")
                if value and value in values:
                    row[column] = ""
                    blanked += 1
                elif value:
                    values.add(value)
            writer.writerow(row)
    return blanked


def _load(call_command: Callable[..., Any], path: Path, workdir: Path) -> None:
    target = workdir / "loadable.csv"
    blanked = loadable(path, target)
    print(f"blanked {blanked:,} repeated national identifiers in {target}", file=sys.stderr)
    errors = workdir / "import-errors.csv"
    try:
        call_command(
            "people",
            "import-csv",
            str(target),
            agency=AGENCY_CODE,
            as_user=OPERATOR,
            errors=errors,
            stdout=sys.stderr,
        )
    except Exception as error:  # rejected rows (a duplicate NHS number) end the command with code 2
        print(f"import: {error}", file=sys.stderr)


def _ensure_model(call_command: Callable[..., Any]) -> None:
    from safehub.people.matching.splink_model import active_model

    if active_model() is not None:
        print(f"using the active model v{active_model().version}", file=sys.stderr)  # type: ignore[union-attr]
        return
    from django.core.management.base import BaseCommand

    from safehub.people.matching import train

    started = time.perf_counter()
    # Through the subcommand's module, so this works before `train-matcher` is in SUBCOMMANDS.
    command = BaseCommand(stdout=sys.stderr, stderr=sys.stderr)
    try:
        train.handle(
            command, {"as_user": None, "no_activate": False, "u_pairs": train.DEFAULT_U_PAIRS, "seed": 1}
        )
    except Exception as error:  # training is another module's; measure dedupe with the built-in weights
        from safehub.people.matching.splink_model import linker_settings, weights_from_settings
        from safehub.people.services.match import matcher_model_store

        print(
            f"train-matcher failed ({type(error).__name__}: {error}); storing the built-in weights",
            file=sys.stderr,
        )
        defaults = linker_settings(None)
        matcher_model_store(
            actor=None,
            settings=defaults,
            weights=weights_from_settings(defaults),
            metrics={"source": "built-in defaults (benchmark fallback)"},
            splink_version="5.0.0",
            actor_label="benchmarks/person_dedupe.py",
        )
    print(f"trained a model in {time.perf_counter() - started:.0f}s (not counted below)", file=sys.stderr)


def _read_truth(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["source_id"]: row["true_id"] for row in csv.DictReader(handle)}


def _person_truth(truth_by_source: dict[str, str]) -> dict[str, str]:
    from safehub.people.constants import IdentifierKind
    from safehub.people.models import PersonIdentifier

    rows = PersonIdentifier.objects.filter(
        kind=IdentifierKind.AGENCY_ID, issuing_agency__ods_code=AGENCY_CODE, removed_at__isnull=True
    ).values_list("person_id", "value")
    return {
        str(person_id): truth_by_source[value]
        for person_id, value in rows.iterator(chunk_size=20_000)
        if value in truth_by_source
    }


def _run_ours(email: str, memory_limit: str) -> dict[str, Any]:
    from safehub.people.dedupe.command import dedupe

    with PeakRSS() as rss:
        started, cpu = time.perf_counter(), _cpu()
        result, run = dedupe(
            threshold=THRESHOLD, as_user=email, memory_limit=memory_limit, out_stream=sys.stderr
        )
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rss": rss.peak,
        "pairs": result.pairs,
        "people": result.people,
        "clusters": [cluster.person_ids for cluster in result.clusters],
        "queued": run.clusters_queued,
        "steps": result.seconds,
    }


def _run_plain_splink(person_truth: dict[str, str], memory_limit: str) -> dict[str, Any]:
    """A default Splink 5 pipeline: library comparisons (term frequencies on), trained from scratch."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from safehub.people.matching.splink_model import profiles_table

    with PeakRSS() as rss:
        started, cpu = time.perf_counter(), _cpu()
        steps: dict[str, float] = {}
        mark = time.perf_counter()
        table = profiles_table()
        steps["export"] = time.perf_counter() - mark
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{memory_limit}'")
        db = DuckDBAPI(connection=con)
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("family_name"),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
                cl.PostcodeComparison("postcode"),
                cl.ExactMatch("nhs_number"),
                cl.ExactMatch("upn"),
                cl.ExactMatch("sex"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "family_name"),
                block_on("family_name", "date_of_birth"),
                block_on("given_name", "date_of_birth"),
                block_on("postcode", "given_name"),
                block_on("postcode", "family_name"),
                block_on("nhs_number"),
            ],
        )
        with redirect_stderr(io.StringIO()):
            linker = Linker(db.register(table), settings)
            mark = time.perf_counter()
            linker.training.estimate_probability_two_random_records_match(
                [
                    block_on("given_name", "family_name", "date_of_birth"),
                    block_on("family_name", "date_of_birth", "postcode"),
                ],
                recall=0.7,
            )
            linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on("given_name", "family_name")
            )
            linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
            steps["train"] = time.perf_counter() - mark
            mark = time.perf_counter()
            predictions = linker.inference.predict()
            pairs = int(con.execute(f"select count(*) from {predictions.physical_name}").fetchall()[0][0])  # noqa: S608
            steps["predict"] = time.perf_counter() - mark
            mark = time.perf_counter()
            clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=THRESHOLD
            )
            rows = con.execute(f"select cluster_id, unique_id from {clustered.physical_name}").fetchall()  # noqa: S608
            steps["cluster"] = time.perf_counter() - mark
        con.close()
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    groups: dict[str, list[str]] = defaultdict(list)
    for cluster_id, unique_id in rows:
        groups[str(cluster_id)].append(str(unique_id))
    clusters = [members for members in groups.values() if len(members) > 1]
    precision, recall, f1 = pairwise_f1(clusters, person_truth)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rss": rss.peak,
        "pairs": pairs,
        "people": table.num_rows,
        "clusters": clusters,
        "steps": steps,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _cpu() -> float:
    """User plus system CPU time of this process, DuckDB's threads included."""
    times = os.times()
    return times.user + times.system


def _print(label: str, figures: dict[str, Any]) -> None:
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in figures["steps"].items() if k != "total")
    print(f"\n{label}")
    print(
        f"  people {figures['people']:,}; pairs scored {figures['pairs']:,}; clusters {len(figures['clusters']):,}"
    )
    print(
        f"  wall time {figures['seconds']:.1f}s ({steps}); CPU time {figures['cpu']:.1f}s (user+sys, all threads); "
        f"peak RSS {figures['rss'] / 2**30:.2f} GiB"
    )
    print(
        f"  cluster pairwise precision {figures['precision']:.4f}, recall {figures['recall']:.4f}, "
        f"F1 {figures['f1']:.4f}"
    )


if __name__ == "__main__":
    main()
