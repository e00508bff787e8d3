"""Interactive person matching (issue 3): `person_match` against Splink's own interactive search.

Loads a synthetic population (`safehub generate_population --queries N`; truth.csv and
queries_truth.csv hold the true person of every record and query) with `safehub people import-csv`
(or reuses a loaded database), trains with `safehub people train-matcher`, then measures:

- latency of `person_match` through the service layer (policy scope, audit event, identifiers):
  median / p95 wall time and, for SQLite, this process's CPU time (SQLite runs in-process, so on a
  busy machine CPU time is the better estimate of an idle one); and through HTTP
  (POST /api/v1/people/match with an API key, Django's test client) for a sample;
- top-1: the share of in-index queries whose first candidate is a record of the true person;
- false matches: the share of not-in-index queries whose first candidate has p >= 0.9;
- Splink on the same data in the same run: the same trained model's `predict_between` of one query
  record against the whole index (Splink's interactive find-matches), its latency and top-1 on a
  sample, and the ratios;
- FEBRL4 / FEBRL3 pairwise F1 at p >= 0.9, ours and Splink's `predict` with the same model.

    .venv/bin/python benchmarks/person_match.py --population DIR              # DIR from generate_population
    .venv/bin/python benchmarks/person_match.py --population DIR --db FILE --reuse
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safehub_bench .venv/bin/python benchmarks/person_match.py --population DIR

With no DATABASE_URL it uses a SQLite file (--db, or a new one in a temp dir) configured as
production's. On PostgreSQL the named database must exist (empty unless --reuse).
"""

import argparse
import contextlib
import csv
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from _measure import PeakRSS  # noqa: E402 - beside this script, found once sys.path is set

AGENCY_CODE = "BENCHMT"
OPERATOR = "match-bench@example.test"
FALSE_MATCH_P = 0.9
WARM_UP = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--population", type=Path, required=True, help="Directory from generate_population")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a new one in a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="The database is already loaded: skip import")
    parser.add_argument("--agency", default=AGENCY_CODE, help="The agency code the population was loaded as")
    parser.add_argument("--retrain", action="store_true", help="Train even when a model is active")
    parser.add_argument("--queries", type=int, default=5_000, help="Queries to run through the service")
    parser.add_argument("--http-queries", type=int, default=300)
    parser.add_argument("--splink-queries", type=int, default=100)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="safehub-match-bench-"))
    db_path = args.db or workdir / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path.resolve()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {os.environ['DATABASE_URL']}", file=sys.stderr)
    operator = _operator(args.agency)
    if not args.reuse:
        started = time.perf_counter()
        _load(call_command, args.population / "population.csv", workdir, args.agency)
        print(f"loaded in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    from safehub.people.matching.splink_model import active_model
    from safehub.people.models import PersonMatchProfile

    results: dict[str, Any] = {"backend": connection.vendor, "records": PersonMatchProfile.objects.count()}
    if args.retrain or active_model() is None:
        out = io.StringIO()
        with PeakRSS() as rss:
            started = time.perf_counter()
            call_command("people", "train-matcher", stdout=out, stderr=sys.stderr)
        results["train_seconds"] = time.perf_counter() - started
        results["train_peak_rss_gb"] = rss.peak / 1e9
        print(out.getvalue(), file=sys.stderr)
    model = active_model()
    results["model_version"] = model.version if model else 0

    person_truth = _person_truth(_read_truth(args.population / "truth.csv"), args.agency)
    queries = _queries(args.population)[: args.queries]
    print(f"{results['records']:,} records; {len(queries):,} queries", file=sys.stderr)

    results["service"] = _run_service(operator, queries, person_truth)
    results["http"] = _run_http(queries[: args.http_queries])
    if not args.skip_splink:
        sample = queries[: args.splink_queries]
        results["splink"] = _run_splink(model, sample, person_truth)
        results["service_on_splink_sample"] = _top1(results["service"]["per_query"][: len(sample)])
    if not args.skip_febrl:
        results["febrl"] = _run_febrl()
    _print(results)


# --- loading ---------------------------------------------------------------------------------------


def _operator(agency: str) -> Any:
    from safehub.accounts.constants import AgencyKind, Role
    from safehub.accounts.models import Agency, User

    Agency.objects.get_or_create(
        ods_code=agency, defaults={"name": "Match benchmark council", "kind": AgencyKind.CHILDRENS_SERVICES}
    )
    user = User.objects.filter(email=OPERATOR).first()
    if user is None:
        user = User.objects.create_user(
            OPERATOR, "bench-password-not-used", full_name="Match Bench", role=Role.SOCIAL_WORKER
        )
    return user


def _loadable(source: Path, target: Path) -> int:
    """Blank an NHS number or UPN an earlier row already carries: the index holds each once, so
    import would refuse those duplicates; blanked, they load as the duplicates councils really have."""
    seen: dict[str, set[str]] = {"nhs_number": set(), "upn": set()}
    blanked = 0
    with (
        source.open(newline="", encoding="utf-8") as src,
        target.open("w", newline="", encoding="utf-8") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [], lineterminator="\n")
        writer.writeheader()
        for row in reader:
            for field, values in seen.items():
                value = row[field]
                if value and value in values:
                    row[field] = ""
                    blanked += 1
                elif value:
                    values.add(value)
            writer.writerow(row)
    return blanked


def _load(call_command: Callable[..., Any], path: Path, workdir: Path, agency: str) -> None:
    target = workdir / "loadable.csv"
    print(f"blanked {_loadable(path, target):,} repeated national identifiers", file=sys.stderr)
    try:
        call_command("people", "import-csv", str(target), agency=agency, as_user=OPERATOR, stdout=sys.stderr)
    except Exception as error:  # refused rows end the command with code 2; the rest loaded
        print(f"import: {error}", file=sys.stderr)


def _read_truth(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["source_id"]: row["true_id"] for row in csv.DictReader(handle)}


def _person_truth(truth_by_source: dict[str, str], agency: str) -> dict[str, str]:
    from safehub.people.constants import IdentifierKind
    from safehub.people.models import PersonIdentifier

    rows = PersonIdentifier.objects.filter(
        kind=IdentifierKind.AGENCY_ID, issuing_agency__ods_code=agency, removed_at__isnull=True
    ).values_list("person_id", "value")
    return {
        str(pid): truth_by_source[value]
        for pid, value in rows.iterator(chunk_size=20_000)
        if value in truth_by_source
    }


def _queries(population: Path) -> list[tuple[str, dict[str, str], str]]:
    truth = {}
    with (population / "queries_truth.csv").open(newline="", encoding="utf-8") as handle:
        truth = {row["query_id"]: row["true_id"] for row in csv.DictReader(handle)}
    out = []
    with (population / "queries.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            qid = row.pop("source_id")
            out.append((qid, {k: v for k, v in row.items() if v}, truth.get(qid, "")))
    return out


# --- measuring -------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _run_service(
    operator: Any, queries: list[tuple[str, dict[str, str], str]], person_truth: dict[str, str]
) -> dict[str, Any]:
    from django.core.exceptions import ValidationError

    from safehub.people.services import person_match

    for _, query, _ in queries[:WARM_UP]:
        with contextlib.suppress(ValidationError):
            person_match(actor=operator, query=query)
    wall, cpu, per_query, refused, candidates = [], [], [], 0, []
    for qid, query, true_id in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            result = person_match(actor=operator, query=query)
        except ValidationError:
            refused += 1
            continue
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        candidates.append(len(result.candidates))
        first = result.candidates[0] if result.candidates else None
        per_query.append(
            (
                qid,
                true_id,
                person_truth.get(str(first.person_id)) if first else None,
                first.probability if first else 0.0,
            )
        )
    return {
        "queries": len(wall),
        "refused": refused,
        "p50_ms": statistics.median(wall),
        "p95_ms": _percentile(wall, 0.95),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p95_ms": _percentile(cpu, 0.95),
        **_top1(per_query),
        "per_query": per_query,
    }


def _top1(per_query: list[tuple[str, str, str | None, float]]) -> dict[str, Any]:
    inside = [q for q in per_query if q[1]]
    outside = [q for q in per_query if not q[1]]
    return {
        "in_index": len(inside),
        "top1": sum(1 for q in inside if q[2] == q[1]) / max(len(inside), 1),
        "not_in_index": len(outside),
        "false_match": sum(1 for q in outside if q[3] >= FALSE_MATCH_P) / max(len(outside), 1),
    }


def _run_http(queries: list[tuple[str, dict[str, str], str]]) -> dict[str, Any]:
    from django.test import Client

    from safehub.accounts.constants import Role
    from safehub.accounts.models import Agency, User
    from safehub.api.constants import Scope
    from safehub.api.tests.factories import api_key

    agency = Agency.objects.filter(ods_code=AGENCY_CODE).first() or Agency.objects.order_by("pk").first()
    users = {}
    for email, role in (
        ("match-bench-admin@example.test", Role.SYSADMIN),
        ("match-bench-api@example.test", Role.SOCIAL_WORKER),
    ):
        users[role] = User.objects.filter(email=email).first() or User.objects.create_user(
            email, "bench-password-not-used", full_name="Match Bench API", role=role, agency=agency
        )
        if users[role].agency_id is None:
            users[role].agency = agency
            users[role].save(update_fields=["agency"])
    _, token = api_key(
        created_by=users[Role.SYSADMIN],
        user=users[Role.SOCIAL_WORKER],
        scopes=[Scope.PEOPLE_READ],
        name=f"bench {time.time()}",
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="localhost")
    wall: list[float] = []
    statuses: dict[int, int] = {}
    for i, (_, query, _) in enumerate(queries):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/people/match", json.dumps(query), content_type="application/json", secure=True
        )
        if i >= WARM_UP // 2:
            wall.append((time.perf_counter() - started) * 1000)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return {
        "queries": len(wall),
        "p50_ms": statistics.median(wall),
        "p95_ms": _percentile(wall, 0.95),
        "statuses": statuses,
    }


def _run_splink(
    model: Any, queries: list[tuple[str, dict[str, str], str]], person_truth: dict[str, str]
) -> dict[str, Any]:
    """Splink's interactive path: one query record against the whole index per call."""
    import pandas as pd
    from splink import DuckDBAPI, Linker, block_on

    from safehub.people.matching.levels import splink_postcode
    from safehub.people.matching.splink_model import PROFILE_COLUMNS, linker_settings, profiles_table
    from safehub.people.services.match import parse_query

    started = time.perf_counter()
    db = DuckDBAPI()
    index = db.register(profiles_table(), dataset_display_name="profiles")
    linker = Linker(index, linker_settings(model), log_level="ERROR")
    load_seconds = time.perf_counter() - started
    rules: list[Any] = [
        block_on("nhs_number"),
        block_on("upn"),
        block_on("date_of_birth"),
        block_on("given_name", "family_name"),
        block_on("postcode", "family_name"),
        block_on("family_name", "substr(date_of_birth, 1, 4)"),
        block_on("given_name", "substr(date_of_birth, 1, 4)"),
    ]
    wall, per_query = [], []
    for n, (qid, query, true_id) in enumerate(queries):
        p = parse_query(query)
        row = {
            "unique_id": f"query-{n}",
            "given_name": p.given_names[0] if p.given_names else None,
            "family_name": p.family_names[0] if p.family_names else None,
            "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
            "sex": p.sex or None,
            "postcode": splink_postcode(p.postcodes[0]) if p.postcodes else None,
            "nhs_number": p.nhs_number or None,
            "upn": p.upns[0] if p.upns else None,
        }
        started = time.perf_counter()
        frame = db.register(
            pd.DataFrame([row], columns=list(PROFILE_COLUMNS)).astype("string"), dataset_display_name=f"q{n}"
        )
        scored = linker.inference.predict_between(
            index, frame, blocking_rules_to_generate_predictions=rules, warning_mode="never"
        ).as_pandas_dataframe()
        if len(scored):
            best = scored.sort_values("match_weight", ascending=False).iloc[0]
            other = best.unique_id_l if best.unique_id_r == row["unique_id"] else best.unique_id_r
            first, probability = person_truth.get(str(other)), float(best.match_probability)
        else:
            first, probability = None, 0.0
        wall.append((time.perf_counter() - started) * 1000)
        per_query.append((qid, true_id, first, probability))
    return {
        "queries": len(wall),
        "load_seconds": load_seconds,
        "p50_ms": statistics.median(wall),
        "p95_ms": _percentile(wall, 0.95),
        **_top1(per_query),
    }


def _run_febrl() -> dict[str, Any]:
    from safehub.people.matching import febrl

    out = {}
    for name, run in (("febrl4", febrl.febrl4), ("febrl3", febrl.febrl3)):
        ours, trained = run()
        theirs = febrl.splink_score(name, trained)
        out[name] = {"ours": ours, "splink": theirs}
    return out


def _print(r: dict[str, Any]) -> None:
    s, h = r["service"], r["http"]
    print(f"\nperson_match on {r['backend']}, {r['records']:,} records, model v{r['model_version']}")
    if "train_seconds" in r:
        print(f"  train-matcher: {r['train_seconds']:.0f}s, peak RSS {r['train_peak_rss_gb']:.1f} GB")
    print(
        f"  service layer: {s['queries']:,} queries, median {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms "
        f"(CPU median {s['cpu_p50_ms']:.1f} ms, p95 {s['cpu_p95_ms']:.1f} ms); {s['refused']} refused"
    )
    print(
        f"  HTTP (API key, test client): {h['queries']} queries, median {h['p50_ms']:.1f} ms, p95 {h['p95_ms']:.1f} ms {h['statuses']}"
    )
    print(f"  top-1 (in index, n={s['in_index']:,}): {s['top1']:.2%}")
    print(
        f"  false match at p >= {FALSE_MATCH_P} (not in index, n={s['not_in_index']:,}): {s['false_match']:.2%}"
    )
    if "splink" in r:
        sp, ours = r["splink"], r["service_on_splink_sample"]
        print(
            f"  Splink predict_between (interactive), {sp['queries']} queries: median {sp['p50_ms']:.0f} ms, "
            f"p95 {sp['p95_ms']:.0f} ms; top-1 {sp['top1']:.2%}, false match {sp['false_match']:.2%} "
            f"(index registered in {sp['load_seconds']:.0f}s)"
        )
        print(f"  ours on the same sample: top-1 {ours['top1']:.2%}, false match {ours['false_match']:.2%}")
        print(
            f"  ratio latency (Splink / ours): median {sp['p50_ms'] / s['p50_ms']:.0f}x, p95 {sp['p95_ms'] / s['p95_ms']:.0f}x"
        )
    for name, pair in r.get("febrl", {}).items():
        print(f"  {pair['ours']}")
        print(f"  {pair['splink']}")
        print(f"  {name} F1 ratio (ours / Splink): {pair['ours'].f1 / max(pair['splink'].f1, 1e-9):.4f}")


if __name__ == "__main__":
    main()
