"""How much the tamper-evident audit trail costs (R28, R29).

Appends N events through `record_event` (head lock + HMAC chain, one transaction each, as every
audited read does) and, as the baseline in the same run, N inserts of the same rows without the
chain; then times `verify_audit_chain` over everything. Prints events per second and the ratio.

    .venv/bin/python benchmarks/audit_append.py [--events 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safehub_bench .venv/bin/python benchmarks/audit_append.py

With no DATABASE_URL it uses a throw-away SQLite file configured as production's (WAL,
synchronous=FULL, BEGIN IMMEDIATE). On PostgreSQL the named database must exist and be empty.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="safehub-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from safehub.audit.models import AuditEvent
    from safehub.audit.services import record_event, verify_audit_chain
    from safehub.platform import clock

    call_command("migrate", verbosity=0)
    backend = connection.vendor
    n = args.events

    started = time.perf_counter()
    for i in range(n):
        record_event(
            actor=None,
            actor_label="bench@example.test",
            verb="view",
            object_type="people.person",
            object_id=str(i),
        )
        _progress("chained ", i + 1, n)
    chained = time.perf_counter() - started

    started = time.perf_counter()
    report = verify_audit_chain()
    verified = time.perf_counter() - started
    if not report.ok or report.checked != n:
        raise SystemExit(f"the chain did not verify: {report}")

    # The baseline: the same rows, each in its own transaction, without the head lock or HMAC.
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            AuditEvent.objects.create(
                seq=-(i + 1),  # negative: out of the chain's way
                occurred_at=clock.now(),
                actor_label="baseline@example.test",
                verb="view",
                object_type="people.person",
                object_id=str(i),
                prev_hash="0" * 64,
                hash="0" * 64,
            )
        _progress("baseline", i + 1, n)
    baseline = time.perf_counter() - started

    print(f"\nbackend: {backend}, events: {n}")
    print(f"baseline insert (no chain): {n / baseline:8.0f} events/s  ({baseline * 1000 / n:.2f} ms each)")
    print(f"record_event (chained):     {n / chained:8.0f} events/s  ({chained * 1000 / n:.2f} ms each)")
    print(f"ratio chained / baseline:   {chained / baseline:8.2f}x the time")
    print(f"verify chain:               {n / verified:8.0f} events/s")


def _progress(label: str, done: int, total: int) -> None:
    if done % max(total // 20, 1) == 0 or done == total:
        filled = 30 * done // total
        print(
            f"\r{label} [{'#' * filled}{'-' * (30 - filled)}] {done}/{total}",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if done == total:
            print(file=sys.stderr)


if __name__ == "__main__":
    main()
