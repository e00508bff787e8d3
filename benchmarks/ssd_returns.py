"""How fast an SSD extract of a 50,000-child city goes in and the returns come out (issue 7).

Generates the extract (`safehub.demo.ssd_extract`), then against a fresh SQLite file database (and,
with --postgres URL, a fresh PostgreSQL database) times `safehub returns import-ssd`, `cin-census`
and `ssda903` for the latest complete collection year, and `validate cin|903` (whose own running
time, the DfE validators' out-of-process run, is printed beside ours). Baseline in the same run:
plain csv-reading of the same files (the I/O floor); the import's ratio to it is printed.
Targets: import <= 5 min on each database; CIN and 903 generation <= 30 s each.

    .venv/bin/python benchmarks/ssd_returns.py [--children 50000] [--years 6] [--seed 1]
        [--postgres postgres://postgres@127.0.0.1:5432/h7_bench [--no-sqlite]] [--keep]
        [--extract DIR]   # reuse an extract written by `safehub demo_ssd_extract` (not timed)

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


def run_on(database_url: str, extract: Path, year: int, work: Path, rows: int, floor_seconds: float) -> None:
    """One database: import, produce, validate, each as a child process (fresh Django per
    database; peak memory is the command's own, sampled with psutil)."""
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
            ["returns", "import-ssd", str(extract), "--report", str(work / "import_report.csv"), *AS_USER],
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
    for name, arguments in steps:
        started = time.perf_counter()
        with (work / f"{name.replace(' ', '_')}.log").open("w+") as log:
            process = psutil.Popen(
                [*safehub, *arguments], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
            peak = 0
            while process.poll() is None:
                try:
                    peak = max(peak, process.memory_info().rss)
                except psutil.NoSuchProcess:
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            log.seek(0)
            tail = " | ".join(log.read().strip().splitlines()[-3:])[:300]
        extra = ""
        if name == "import-ssd":
            extra = f"  {rows / seconds:,.0f} rows/s, {seconds / floor_seconds:,.0f}x the csv floor"
        print(f"  {name:<13} {seconds:8.1f} s  exit {process.returncode}  peak {peak / 2**20:.0f} MiB{extra}")
        print(f"      {tail}")


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
    if not args.no_sqlite:
        print("SQLite:")
        run_on(f"sqlite:///{work}/bench.sqlite3", extract, year, work / "sqlite", rows, floor_seconds)
    if args.postgres:
        print("PostgreSQL:")
        run_on(args.postgres, extract, year, work / "postgres", rows, floor_seconds)
    print("Targets: import <= 300 s per database; cin-census and ssda903 <= 30 s each.")
    if args.keep:
        print(f"Kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
