"""The MASH queue (issue 4): does its cost stay flat as the front door fills up?

Bulk-loads synthetic contacts (Contact + ContactSubject + Person rows, no services, so the load
takes seconds) into a fresh database and times, at three sizes,

- the selector `front_door.selectors.contacts.contact_queue(actor=<MASH manager>)`, and
- the page `front_door:queue` through Django's test client, signed in with a second factor,

printing median / p95 / max and the number of queries per call: at 200 open contacts, 2,000
open, and 2,000 open plus 20,000 decided ones. A query count that does not move between the three
is the point; the decided ones must not slow the queue either. Baselines measured in the same run:
the same rows read naively (each row's subjects loaded by a query of its own, the N+1 the queue
avoids) and the queue at 200 rows.

    .venv/bin/python benchmarks/mash_queue.py                        # SQLite in a temp dir
    .venv/bin/python benchmarks/mash_queue.py --db var/queue.sqlite3 --requests 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safehub_queue .venv/bin/python benchmarks/mash_queue.py

On PostgreSQL the named database must exist and hold no contacts. Prints figures; no pass/fail.
Each series stops early when it has used `--budget` seconds, and says how many calls it made, so
the whole run stays within about three minutes on SQLite.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

MANAGER_EMAIL = "queue-bench-manager@example.test"
WARM_UP = 5
SIZES = ((200, 0), (2_000, 0), (2_000, 20_000))
# The queue screen a manager sees: mostly unrated, the rest rated with every colour.
RAGS = ("", "", "", "red", "amber", "green", "green")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, help="SQLite file (default: a new one in a temp dir)")
    parser.add_argument("--requests", type=int, default=200, help="Calls per series (selector and page)")
    parser.add_argument("--budget", type=float, default=20.0, help="Seconds a series may use at most")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    db_path = args.db or Path(tempfile.mkdtemp(prefix="safehub-queue-bench-")) / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path.resolve()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from safehub.front_door.models import Contact

    call_command("migrate", verbosity=0)
    if Contact.objects.exists():
        sys.exit("This database already holds contacts: the benchmark needs a fresh one.")
    print(f"database: {connection.vendor} {os.environ['DATABASE_URL']}", file=sys.stderr)

    # Reproducible synthetic data, not secrets.
    rng = random.Random(args.seed)  # nosec B311
    manager = _manager()
    open_made = closed_made = 0
    results: list[dict[str, Any]] = []
    for open_target, closed_target in SIZES:
        started = time.perf_counter()
        _bulk(manager, rng, open_target - open_made, decided=False, start=open_made)
        _bulk(manager, rng, closed_target - closed_made, decided=True, start=100_000 + closed_made)
        open_made, closed_made = open_target, closed_target
        with connection.cursor() as cursor:
            # Fresh planner statistics, as autovacuum (PostgreSQL) or `optimize` (SQLite) would give.
            cursor.execute("ANALYZE")
        label = f"{open_made:,} open" + (f" + {closed_made:,} decided" if closed_made else "")
        print(f"{label}: loaded in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        row = {"label": label, "open": open_made, "closed": closed_made}
        row["selector"] = _series(lambda: _selector(manager), args.requests, args.budget)
        row["page"] = _series(_page_caller(manager), args.requests, args.budget)
        if (open_made, closed_made) == (2_000, 0):
            row["naive"] = _series(lambda: _naive(manager), args.requests, args.budget)
        results.append(row)
        print(f"{label}: measured", file=sys.stderr)
    _print(connection.vendor, results)


# --- loading ---------------------------------------------------------------------------------------


def _manager() -> Any:
    from safehub.accounts.constants import AgencyKind, Role
    from safehub.accounts.models import Agency, User
    from safehub.accounts.tests.factories import enrol_totp

    council, _ = Agency.objects.get_or_create(
        name="Queue benchmark council", defaults={"kind": AgencyKind.CHILDRENS_SERVICES}
    )
    user = User.objects.create_user(
        MANAGER_EMAIL,
        "bench-password-not-used",
        full_name="Queue Bench",
        role=Role.MASH_MANAGER,
        agency=council,
    )
    enrol_totp(user)  # the MFA middleware lets only enrolled users through (R7)
    return user


def _bulk(manager: Any, rng: random.Random, count: int, *, decided: bool, start: int) -> None:
    """`count` contacts, each about one child of its own, written with bulk_create in batches."""
    from safehub.front_door.constants import Channel, ConcernCategory, Outcome, SubjectRole
    from safehub.front_door.models import Contact, ContactConcern, ContactSubject
    from safehub.people.models import Person
    from safehub.platform import clock

    if count <= 0:
        return
    now = clock.now()
    today = clock.today()
    channels = [c.value for c in Channel]
    concerns = [c.value for c in ConcernCategory]
    outcomes = [o.value for o in Outcome]
    batch = 2_000
    for offset in range(0, count, batch):
        people, contacts, subjects, concern_rows = [], [], [], []
        for n in range(start + offset, start + min(offset + batch, count)):
            dob = today - timedelta(days=rng.randint(30, 17 * 365))
            person = Person(
                id=uuid.uuid4(),
                given_name=f"Child{n}",
                family_name=f"Bench{n % 997}",
                date_of_birth=dob,
                sex=rng.choice("MF"),
            )
            people.append(person)
            contact = _contact(manager, rng, n, now, decided, channels, outcomes)
            contacts.append(contact)
            subjects.append(
                ContactSubject(
                    contact=contact,
                    role=SubjectRole.CHILD,
                    person=person,
                    details=_details(person, dob),
                )
            )
            concern_rows.append(ContactConcern(contact=contact, category=rng.choice(concerns)))
        Person.objects.bulk_create(people)
        Contact.objects.bulk_create(contacts)
        ContactSubject.objects.bulk_create(subjects)
        ContactConcern.objects.bulk_create(concern_rows)


def _details(person: Any, dob: date) -> dict[str, str]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": dob.isoformat(),
        "sex": person.sex,
    }


def _contact(
    manager: Any,
    rng: random.Random,
    n: int,
    now: datetime,
    decided: bool,
    channels: list[str],
    outcomes: list[str],
) -> Any:
    from safehub.front_door.constants import ConsentStatus, ContactStatus, LawfulBasis
    from safehub.front_door.models import Contact

    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "reference": f"MASH-BENCH-{n:07d}",
        "channel": rng.choice(channels),
        "recorded_by": manager,
        "referrer_name": f"Referrer {n}",
        "referral_source": rng.choice(("1A", "2A", "3A", "3F", "5A", "6")),
        "summary": "Synthetic benchmark contact.",
        "consent": ConsentStatus.GIVEN,
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
    }
    if decided:
        received = now - timedelta(minutes=rng.randint(60 * 24 * 2, 60 * 24 * 365))
        rag = rng.choice(("red", "amber", "green"))
        return Contact(
            **fields,
            received_at=received,
            status=ContactStatus.DECIDED,
            rag=rag,
            rag_due_at=received + timedelta(hours=8),
            decision_due_at=received + timedelta(hours=24),
            next_due_at=None,
            screened_at=received + timedelta(hours=2),
            decided_at=received + timedelta(hours=rng.randint(3, 40)),
            outcome=rng.choice(outcomes),
        )
    received = now - timedelta(minutes=rng.randint(5, 60 * 24 * 3))
    rag = rng.choice(RAGS)
    decision_due = received + timedelta(hours=24)
    rag_due = received + timedelta(hours=rng.choice((4, 8, 24))) if rag else None
    status = ContactStatus.IN_PROGRESS if rag else ContactStatus.AWAITING_SCREENING
    if rag and rng.random() < 0.1:
        status = ContactStatus.AWAITING_AUTHORISATION
    return Contact(
        **fields,
        received_at=received,
        status=status,
        rag=rag,
        rag_due_at=rag_due,
        screened_at=received + timedelta(minutes=30) if rag else None,
        decision_due_at=decision_due,
        next_due_at=min(d for d in (rag_due, decision_due) if d is not None),
    )


# --- measuring -------------------------------------------------------------------------------------


def _selector(manager: Any) -> int:
    from safehub.front_door.selectors.contacts import contact_queue

    return len(contact_queue(actor=manager))


def _row_id(row: Any) -> Any:
    contact = getattr(row, "contact", None)
    return contact.pk if contact is not None else row.id


def _naive(manager: Any) -> int:
    """The baseline: the queue's rows, then each row's subjects and concerns by a query of its own."""
    from safehub.front_door.models import ContactConcern, ContactSubject
    from safehub.front_door.selectors.contacts import contact_queue

    rows = contact_queue(actor=manager)
    for row in rows:
        list(ContactSubject.objects.filter(contact_id=_row_id(row)).select_related("person"))
        list(ContactConcern.objects.filter(contact_id=_row_id(row)))
    return len(rows)


def _page_caller(manager: Any) -> Callable[[], int]:
    from django.test import Client
    from django.urls import reverse

    client = Client(SERVER_NAME="localhost")
    client.force_login(manager)
    url = reverse("front_door:queue")

    def call() -> int:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return len(response.content)

    return call


class _Counter:
    """Counts the statements a call sends (an execute wrapper: unlike Django's query log, it has
    no 9,000-entry cap and keeps the SQL of the last call for EXPLAIN)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def _series(call: Callable[[], int], requests: int, budget: float) -> dict[str, Any]:
    from django.db import connection, reset_queries

    for _ in range(WARM_UP):
        call()
    wall: list[float] = []
    queries: set[int] = set()
    spent = time.perf_counter()
    counter = _Counter()
    for _ in range(requests):
        counter.statements.clear()
        reset_queries()  # DEBUG is on in these settings: keep the query log from growing
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            call()
            wall.append((time.perf_counter() - started) * 1000)
        queries.add(len(counter.statements))
        if time.perf_counter() - spent > budget:
            break
    return {
        "n": len(wall),
        "p50_ms": statistics.median(wall),
        "p95_ms": _percentile(wall, 0.95),
        "max_ms": max(wall),
        "queries": sorted(queries),
        "statements": list(counter.statements),
    }


def _plan(statements: list[tuple[str, Any]]) -> list[str]:
    """The database's plan for the queue's own query (the one that sorts on next_due_at)."""
    from django.db import connection

    found = [(sql, params) for sql, params in statements if "next_due_at" in sql and "ORDER BY" in sql]
    if not found:
        return []
    sql, params = found[0]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        # The statement is Django's own, captured above; only a fixed prefix is added.
        cursor.execute(prefix + sql, params)  # nosec B608
        return [" ".join(str(cell) for cell in row) for row in cursor.fetchall()]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _print(vendor: str, results: list[dict[str, Any]]) -> None:
    print(f"\nMASH queue benchmark ({vendor})\n")
    print(f"{'contacts':<28} {'what':<9} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}  queries/call")
    for row in results:
        for what in ("selector", "page", "naive"):
            s = row.get(what)
            if s is None:
                continue
            queries = "/".join(str(q) for q in s["queries"])
            print(
                f"{row['label']:<28} {what:<9} {s['n']:>4} {s['p50_ms']:>9.1f} {s['p95_ms']:>9.1f} "
                f"{s['max_ms']:>9.1f}  {queries}"
            )
    small, mid, full = results
    print("\nRatios (median against median):")
    for what in ("selector", "page"):
        print(
            f"  {what}: 2,000 open / 200 open = {mid[what]['p50_ms'] / small[what]['p50_ms']:.1f}x; "
            f"+20,000 decided / 2,000 open = {full[what]['p50_ms'] / mid[what]['p50_ms']:.2f}x"
        )
    print(
        f"  naive per-row reads / selector at 2,000 open = "
        f"{mid['naive']['p50_ms'] / mid['selector']['p50_ms']:.1f}x "
        f"({max(mid['naive']['queries'])} queries against {max(mid['selector']['queries'])})"
    )
    flat = {q for row in results for q in row["selector"]["queries"]}
    print(f"  selector queries per call across all sizes: {sorted(flat)}")
    print("\nPlan of the queue query at the largest size:")
    for line in _plan(full["selector"]["statements"]):
        print(f"  {line}")


if __name__ == "__main__":
    main()
