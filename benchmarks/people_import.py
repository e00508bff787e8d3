"""How fast `safehub people import-csv` loads an agency's file (issue 3: a million rows in minutes).

Generates N synthetic rows (the demo population generator; no real data), writes them to a temp
CSV in the import format, and times the whole command: parsing, validation, the batch loader with
its history rows, match keys and one audit event per batch. As the baseline in the same run it
times a bare `Person.objects.bulk_create` of the same people (no names, identifiers, addresses,
keys, history or audit) and prints the ratio, and projects the rate to a million rows.

    .venv/bin/python benchmarks/people_import.py [--rows 100000] [--duplicate-rate 0]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safehub_bench .venv/bin/python benchmarks/people_import.py

With no DATABASE_URL it uses a throw-away SQLite file configured as production's (WAL,
synchronous=FULL, BEGIN IMMEDIATE). On PostgreSQL the named database must exist and be empty.
"""

import argparse
import csv
import io
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import redirect_stderr
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

AGENCY_CODE = "BENCH01"
IMPORTER = "importer@example.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--duplicate-rate",
        type=float,
        default=0.0,
        help="Share of people given a second, corrupted record (those sharing an NHS number are refused)",
    )
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="safehub-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from safehub.accounts.constants import AgencyKind, Role
    from safehub.accounts.models import Agency, User
    from safehub.people.models import Person, PersonMatchKey

    call_command("migrate", verbosity=0)
    backend = connection.vendor
    path = workdir / "people.csv"
    started = time.perf_counter()
    rows = _write_csv(path, args.rows, args.seed, args.duplicate_rate)
    print(f"generated {rows} rows in {time.perf_counter() - started:.1f}s -> {path}", file=sys.stderr)

    Agency.objects.create(name="Benchmark council", kind=AgencyKind.CHILDRENS_SERVICES, ods_code=AGENCY_CODE)
    User.objects.create_user(
        IMPORTER, "bench-password-not-used", full_name="Bench Importer", role=Role.SOCIAL_WORKER
    )

    errors = workdir / "errors.csv"
    output = io.StringIO()
    started = time.perf_counter()
    try:
        call_command(
            "people",
            "import-csv",
            str(path),
            "--agency",
            AGENCY_CODE,
            "--as-user",
            IMPORTER,
            "--errors",
            str(errors),
            "--batch-size",
            str(args.batch_size),
            stdout=output,
        )
    except Exception as error:  # rows refused: the run still counts, the summary says how many
        print(f"import-csv: {error}", file=sys.stderr)
    imported = time.perf_counter() - started
    people = Person.objects.count()
    keys = PersonMatchKey.objects.count()

    # The baseline: the same people again as bare Person rows (beside the imported ones: deleting
    # them would cost more than importing), in the same batch size, one transaction each.
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle, redirect_stderr(io.StringIO()):
        reader = csv.DictReader(handle)
        while batch := list(itertools.islice(reader, args.batch_size)):
            with transaction.atomic():
                Person.objects.bulk_create([_bare_person(Person, r) for r in batch])
    baseline = time.perf_counter() - started

    print(f"\nbackend: {backend}, rows: {rows}, batch size: {args.batch_size}")
    print(output.getvalue().strip())
    print(f"people loaded: {people}, match keys: {keys} ({keys / max(people, 1):.1f} per person)")
    print(f"import-csv:              {rows / imported:8.0f} rows/s  ({imported:.1f}s)")
    print(f"bare Person.bulk_create: {rows / baseline:8.0f} rows/s  ({baseline:.1f}s)")
    print(f"ratio import / baseline: {imported / baseline:8.2f}x the time")
    print(f"projected for 1,000,000 rows: {1_000_000 / (rows / imported) / 60:.1f} minutes")


def _write_csv(path: Path, rows: int, seed: int, duplicate_rate: float) -> int:
    from safehub.people.constants import IMPORT_HEADER

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        count = 0
        for count, values in enumerate(_rows(rows, seed, duplicate_rate), start=1):
            if count == 1:
                writer.writerow(IMPORT_HEADER)
            writer.writerow(values)
    return count


def _rows(rows: int, seed: int, duplicate_rate: float) -> Iterator[tuple[str, ...]]:
    try:
        from safehub.demo.population import generate_population
    except ImportError:  # the generator is newer than this script: fall back to a plain one
        yield from _plain_rows(rows)
        return
    records = generate_population(people=rows, seed=seed, duplicate_rate=duplicate_rate)
    for record in itertools.islice(records, rows):
        yield record.row()


def _plain_rows(rows: int) -> Iterator[tuple[str, ...]]:
    given = ["Amara", "Tobi", "Ada", "Oliver", "Mia", "Noah", "Isla", "Leo", "Ava", "Jack"]
    family = ["Okafor", "Smith", "Jones", "Patel", "Khan", "Brown", "Taylor", "Wilson", "Evans", "Ali"]
    for n in range(rows):
        born = date(2005 + n % 19, 1 + n % 12, 1 + n % 28)
        yield (
            f"P{n:08d}",
            given[n % 10],
            family[(n // 10) % 10],
            born.isoformat(),
            "MF"[n % 2],
            "SW1A 1AA",
            f"{n % 500} Bench Road",
            "",
            "",
        )


def _bare_person(model: Any, row: dict[str, str]) -> Any:
    return model(
        given_name=row["given_name"],
        family_name=row["family_name"],
        date_of_birth=date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None,
        sex={"M": "1", "F": "2"}.get(row["sex"], "0"),
        nhs_number=row["nhs_number"].replace(" ", ""),
    )


if __name__ == "__main__":
    main()
