"""How fast an SSD extract of a 50,000-child city goes in and the returns come out (issue 7).

Generates the extract (`safehub.demo.ssd_extract`), then against a fresh SQLite file database (and,
with --postgres URL, a fresh PostgreSQL database) times `safehub returns import-ssd`, `cin-census`
and `ssda903` for the latest complete collection year, and `validate cin|903` (whose own running
time, the DfE validators' out-of-process run, is printed beside ours). Baseline in the same run:
plain csv-reading of the same files (the I/O floor); the import's ratio to it is printed. With
--one-process-baseline, the import is also timed with --workers 1 on a fresh database of each kind,
and the ratio of the two is printed.
Targets: import <= 5 min on each database; CIN and 903 generation <= 30 s each.

    .venv/bin/python benchmarks/ssd_returns.py [--children 50000] [--years 6] [--seed 1]
        [--postgres postgres://postgres@127.0.0.1:5432/h7_bench [--no-sqlite]] [--keep]
        [--extract DIR]   # reuse an extract written by `safehub demo_ssd_extract` (not timed)
        [--workers N] [--one-process-baseline]   # the import's processes; also time --workers 1

The PostgreSQL database named must exist and be empty. Synthetic data only.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks._measure import PeakRSS  # noqa: E402


def latest_complete_year(today: date) -> int:
    """The end year of the latest collection (1 April - 31 March) that has ended by `today`."""
    return today.year if today >= date(today.year, 4, 1) else today.year - 1


def csv_floor(directory: Path) -> tuple[int, float]:
    started, rows = time.perf_counter(), 0
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows += sum(1 for _ in csv.reader(handle)) - 1
    return rows, time.perf_counter() - started


OFFICER_EMAIL = "bench.officer@bench.safehub.test"
AS_USER = ["--as-user", OFFICER_EMAIL]
_OFFICER = (
    "from safehub.accounts.constants import Role; from safehub.accounts.models import User; "
    f"User.objects.filter(email='{OFFICER_EMAIL}').exists() or "
    f"User.objects.create_user(email='{OFFICER_EMAIL}', full_name='Bench Officer', role=Role.DATA_OFFICER)"
)


def run_on(
    database_url: str,
    extract: Path,
    year: int,
    work: Path,
    rows: int,
    floor_seconds: float,
    *,
    workers: int,
    only_import: bool = False,
    validate: bool = True,
) -> float:
    """One database: import, produce, validate, each as a child process (fresh Django per
    database; peak memory is the command's with its worker processes, sampled with psutil).
    Returns the import's seconds."""
    import psutil

    work.mkdir(parents=True, exist_ok=True)
    # PYTHONPATH: this checkout's code, whatever the environment's editable install points at.
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    # The installed entry point (`python -m safehub.cli` has no __main__ guard).
    safehub = [str(Path(sys.executable).with_name("safehub"))]
    steps = [
        ("migrate", ["migrate", "--verbosity", "0"]),
        # The statutory code lists every adapter checks codes against (a fresh database has none).
        ("reference", ["sync_reference_data"]),
        # A fresh database has no one to record the import as: a data officer (prepare returns).
        ("officer", ["shell", "-c", _OFFICER]),
        (
            "import-ssd",
            [
                "returns",
                "import-ssd",
                str(extract),
                "--report",
                str(work / "import_report.csv"),
                "--workers",
                str(workers),
                *AS_USER,
            ],
        ),
        (
            "cin-census",
            ["returns", "cin-census", "--year", str(year), "--out", str(work / "cin.xml"), *AS_USER],
        ),
        ("ssda903", ["returns", "ssda903", "--year", str(year), "--out", str(work / "903"), *AS_USER]),
        # The validate command prints the DfE validators' own running time; shown beside ours.
        ("validate cin", ["returns", "validate", "cin", "--year", str(year), str(work / "cin.xml")]),
        ("validate 903", ["returns", "validate", "903", "--year", str(year), str(work / "903")]),
    ]
    if only_import:
        steps = steps[:4]
    elif not validate:
        steps = [step for step in steps if not step[0].startswith("validate")]
    imported = 0.0
    for name, arguments in steps:
        started = time.perf_counter()
        with (work / f"{name.replace(' ', '_')}.log").open("w+") as log:
            process = psutil.Popen(
                [*safehub, *arguments], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
            peak = 0
            while process.poll() is None:
                try:
                    tree = [process, *process.children(recursive=True)]
                    peak = max(peak, sum(_rss(member) for member in tree))
                except psutil.NoSuchProcess:
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            log.seek(0)
            tail = " | ".join(log.read().strip().splitlines()[-3:])[:300]
        extra = ""
        if name == "import-ssd":
            imported = seconds
            extra = (
                f"  {rows / seconds:,.0f} rows/s, {seconds / floor_seconds:,.0f}x the csv floor, "
                f"--workers {workers}"
            )
        print(f"  {name:<13} {seconds:8.1f} s  exit {process.returncode}  peak {peak / 2**20:.0f} MiB{extra}")
        print(f"      {tail}")
    return imported


def _rss(process: Any) -> int:
    import psutil

    try:
        return int(process.memory_info().rss)
    except psutil.NoSuchProcess:
        return 0


def _postgres_twin(url: str, suffix: str) -> str:
    """A fresh database beside `url`'s (dropped first if a past run left it), for the baseline."""
    import psycopg

    base, _, name = url.rpartition("/")
    twin = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{twin}"')
        server.execute(f'CREATE DATABASE "{twin}"')
    return f"{base}/{twin}"


def _drop_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database to run on as well")
    parser.add_argument("--keep", action="store_true", help="Keep the extract and outputs")
    parser.add_argument("--extract", type=Path, help="An extract already written: skip generating one")
    parser.add_argument(
        "--no-sqlite",
        action="store_true",
        help="Only the PostgreSQL run (with --postgres), e.g. on a second pass",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="The import's --workers (default: the command's own, this machine's cores up to 4)",
    )
    parser.add_argument(
        "--skip-validate",
        action="store_true",
        help="Leave out the DfE validators' runs (minutes on the CIN census of a 50,000-child city)",
    )
    parser.add_argument(
        "--one-process-baseline",
        action="store_true",
        help="Also import into a fresh database with --workers 1 and print the ratio",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="safehub-ssd-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from safehub.demo.ssd_extract import write_ssd_extract

    if args.extract is not None:
        # An extract written earlier (e.g. by `safehub demo_ssd_extract`): the generator is not timed.
        extract = args.extract
        rows = 0  # counted by the csv floor below
        print(f"Extract: {extract} (not generated in this run)")
    else:
        extract = work / "extract"
        with PeakRSS() as peak:
            started, cpu = time.perf_counter(), time.process_time()
            summary = write_ssd_extract(
                extract,
                children=args.children,
                years=args.years,
                seed=args.seed,
                today=args.today,
                strict=False,
            )
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = summary.total_rows
        print(
            f"Extract: {args.children} children x {args.years} years, {rows} rows in {len(summary.rows)} tables"
        )
        print(
            f"  generate       {seconds:8.1f} s (CPU {cpu:.1f} s)  {rows / seconds:,.0f} rows/s  "
            f"peak {peak.peak / 2**20:.0f} MiB"
        )
    floor_rows, floor_seconds = csv_floor(extract)
    rows = rows or floor_rows
    print(
        f"  csv floor      {floor_seconds:8.1f} s  {floor_rows / floor_seconds:,.0f} rows/s (plain csv.reader)"
    )
    year = latest_complete_year(args.today)
    print(f"Returns for the collection year ending 31 March {year}")
    from safehub.returns.ssd._parallel import default_workers

    workers = args.workers or default_workers()
    databases = [] if args.no_sqlite else [("SQLite", f"sqlite:///{work}/bench.sqlite3", "sqlite")]
    if args.postgres:
        databases.append(("PostgreSQL", args.postgres, "postgres"))
    for label, url, folder in databases:
        print(f"{label}:")
        seconds = run_on(
            url,
            extract,
            year,
            work / folder,
            rows,
            floor_seconds,
            workers=workers,
            validate=not args.skip_validate,
        )
        if args.one_process_baseline and workers > 1:
            print(f"{label}, baseline in the same run: the import in one process")
            one_url = _postgres_twin(url, "one") if folder == "postgres" else f"sqlite:///{work}/one.sqlite3"
            one = run_on(
                one_url,
                extract,
                year,
                work / f"{folder}_one",
                rows,
                floor_seconds,
                workers=1,
                only_import=True,
            )
            if folder == "postgres":
                _drop_postgres(one_url)
            print(
                f"  {workers} workers: {seconds:.1f} s against {one:.1f} s in one process ({one / seconds:.2f}x)"
            )
    print("Targets: import <= 300 s per database; cin-census and ssda903 <= 30 s each.")
    if args.keep:
        print(f"Kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
