"""How fast `safehub people import-csv` loads an agency's file (issue 3: a million rows in minutes).

Imports a CSV in the import format (a file you give with --csv, e.g. the population written by
`safehub generate_population`, or N synthetic rows generated here; no real data) and times the whole
command: parsing, validation, the batch loader with its history rows, match profiles and keys, and
one audit event per batch. As the baseline in the same run it loads a small sample of further rows
through the row-level services a person's page uses (`person_create`, `person_identifier_add`,
`person_address_add`: the plain ORM path, one person at a time) and prints the ratio of the rates.
It projects the import's rate to a million rows (and, on SQLite, from this process's CPU time:
the better figure on a busy machine, since SQLite does all its work in-process; on PostgreSQL it
also prints the CPU time of the server process that served the import). It runs the command with
`--defer-indexes`, as a first load should be run (`--no-defer-indexes` to compare); see
docs/operations/bulk-import.md.

    .venv/bin/python benchmarks/people_import.py [--rows 100000] [--duplicate-rate 0]
    .venv/bin/python benchmarks/people_import.py --csv /tmp/pop1m/population.csv
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
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

AGENCY_CODE = "BENCH01"
IMPORTER = "importer@example.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--csv", type=Path, help="Import this file instead of generating one")
    parser.add_argument("--rows", type=int, default=100_000, help="Rows to generate (without --csv)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--duplicate-rate",
        type=float,
        default=0.0,
        help="Share of people given a second, corrupted record (those sharing an NHS number are refused)",
    )
    parser.add_argument("--batch-size", type=int, default=None, help="Default: the command's")
    parser.add_argument(
        "--no-defer-indexes",
        dest="defer_indexes",
        action="store_false",
        help="Keep every index in place during the load (default: import-csv --defer-indexes)",
    )
    parser.add_argument(
        "--baseline-rows", type=int, default=300, help="Rows loaded one by one through the services"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="safehub-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from safehub.accounts.constants import AgencyKind, Role
    from safehub.accounts.models import Agency, User
    from safehub.people.models import Person, PersonMatchKey, PersonMatchProfile

    call_command("migrate", verbosity=0)
    backend = connection.vendor
    if args.csv:
        path = args.csv
        rows = _count_rows(path)
    else:
        path = workdir / "people.csv"
        started = time.perf_counter()
        rows = _write_csv(path, args.rows, args.seed, args.duplicate_rate)
        print(f"generated {rows} rows in {time.perf_counter() - started:.1f}s -> {path}", file=sys.stderr)

    agency = Agency.objects.create(
        name="Benchmark council", kind=AgencyKind.CHILDRENS_SERVICES, ods_code=AGENCY_CODE
    )
    importer = User.objects.create_user(
        IMPORTER, "bench-password-not-used", full_name="Bench Importer", role=Role.SOCIAL_WORKER
    )

    errors = workdir / "errors.csv"
    output = io.StringIO()
    command = ["people", "import-csv", str(path), "--agency", AGENCY_CODE, "--as-user", IMPORTER]
    command += ["--errors", str(errors)]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    if args.defer_indexes:
        command += ["--defer-indexes"]
    server_cpu = _server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        call_command(*command, stdout=output)
    except Exception as error:  # rows refused: the run still counts, the summary says how many
        print(f"\nimport-csv: {error}", file=sys.stderr)
    imported, cpu = time.perf_counter() - started, time.process_time() - cpu
    server_cpu = _server_cpu() - server_cpu
    people = Person.objects.count()
    keys = PersonMatchKey.objects.count()
    profiles = PersonMatchProfile.objects.count()

    # The baseline: further people through the row-level services, one transaction each, into the
    # same (now full) index, so both rates are measured at the same database size.
    sample = list(_baseline_rows(args.baseline_rows, args.seed + 1))
    started = time.perf_counter()
    for values in sample:
        _load_one(importer, agency, values)
    baseline = time.perf_counter() - started
    rate, baseline_rate = rows / imported, len(sample) / baseline

    print(f"\nbackend: {backend}, rows: {rows}, file: {path}, deferred indexes: {args.defer_indexes}")
    print(output.getvalue().strip())
    print(
        f"people loaded: {people}, profiles: {profiles}, "
        f"match keys: {keys} ({keys / max(people, 1):.1f} per person)"
    )
    print(f"import-csv:                  {rate:8.0f} rows/s  ({imported:.1f}s wall, {cpu:.1f}s CPU here)")
    if backend == "postgresql":
        print(f"PostgreSQL server process CPU during the import: {server_cpu:.1f}s")
    print(f"row-level services baseline: {baseline_rate:8.0f} rows/s  ({len(sample)} rows, {baseline:.1f}s)")
    print(f"ratio import / baseline:     {rate / baseline_rate:8.1f}x the rate")
    print(f"projected for 1,000,000 rows: {1_000_000 / rate / 60:.1f} minutes")
    # On a shared machine the wall time includes waiting for the CPU. SQLite does all its work in
    # this process, so there the CPU time is the better estimate of an unloaded run.
    if backend == "sqlite":
        print(f"projected from CPU time:      {1_000_000 / (rows / cpu) / 60:.1f} minutes")


def _server_cpu() -> float:
    """User+system CPU seconds of this connection's PostgreSQL backend (it runs on this machine),
    0 on SQLite, whose work is already in this process's CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server is elsewhere: its CPU is not ours to read
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load_one(actor: Any, agency: Any, values: tuple[str, ...]) -> None:
    from django.db import transaction

    from safehub.people.constants import IdentifierKind
    from safehub.people.services import person_address_add, person_create, person_identifier_add

    source_id, given, family, born, sex, postcode, line, nhs, upn = values
    with transaction.atomic():
        person = person_create(
            actor=actor,
            given_name=given,
            family_name=family,
            date_of_birth=date.fromisoformat(born) if born else None,
            sex={"M": "1", "F": "2"}.get(sex, "0"),
            nhs_number=nhs,
        )
        person_identifier_add(
            actor=actor, person=person, kind=IdentifierKind.AGENCY_ID, value=source_id, issuing_agency=agency
        )
        if upn:
            person_identifier_add(
                actor=actor, person=person, kind=IdentifierKind.UPN, value=upn, issuing_agency=agency
            )
        if line:
            person_address_add(
                actor=actor, person=person, line_1=line, postcode=postcode, source_agency=agency
            )


def _baseline_rows(count: int, seed: int) -> Iterator[tuple[str, ...]]:
    """Rows no one in the import holds: fresh source ids, no NHS number or UPN (they could clash)."""
    for n, values in enumerate(itertools.islice(_rows(count, seed, 0.0), count)):
        yield (f"BASE{n:07d}", *values[1:7], "", "")


def _count_rows(path: Path) -> int:
    with path.open("rb") as raw:
        return max(sum(1 for _ in raw) - 1, 0)


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
    from safehub.demo.population import generate_population

    records = generate_population(people=rows, seed=seed, duplicate_rate=duplicate_rate)
    for record in itertools.islice(records, rows):
        yield record.row()


if __name__ == "__main__":
    main()
