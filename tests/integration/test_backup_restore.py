"""Backup and restore drill (R54): back up, restore into a new database, prove nothing changed.

Runs on whichever database the suite uses: the per-process SQLite test file, or the PostgreSQL test
database. The restored copy goes to a temporary file (SQLite) or a new database that the test
creates and drops (PostgreSQL).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.services import person_create, person_update
from safehub.platform import backup

ROOT = Path(__file__).resolve().parents[2]

# Transactional, so the rows are committed where pg_dump and a second SQLite connection see them.
committed_db = pytest.mark.django_db(transaction=True)


def _raw_connect(name: str) -> Any:
    """A plain DB-API connection to `name` with the suite's credentials (no Django involved)."""
    if connection.vendor == "sqlite":
        return sqlite3.connect(name)
    import psycopg

    sd = connection.settings_dict
    return psycopg.connect(
        host=sd["HOST"] or None,
        port=sd["PORT"] or None,
        user=sd["USER"] or None,
        password=sd["PASSWORD"] or None,
        dbname=name,
        autocommit=True,
    )


def _database_url(name: str) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    sd = connection.settings_dict
    credentials = sd["USER"] + (f":{sd['PASSWORD']}" if sd["PASSWORD"] else "")
    return f"postgres://{credentials}@{sd['HOST'] or '127.0.0.1'}:{sd['PORT'] or 5432}/{name}"


def _snapshot(name: str, tables: list[str]) -> tuple[dict[str, int], str]:
    """Row counts of every table, and an md5 fingerprint of the audit rows in seq order."""
    raw = _raw_connect(name)
    try:
        cursor = raw.cursor()
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from introspection
            counts[table] = cursor.fetchone()[0]
        cursor.execute(f'SELECT * FROM "{AuditEvent._meta.db_table}" ORDER BY seq')  # noqa: S608
        fingerprint = hashlib.md5(repr(cursor.fetchall()).encode(), usedforsecurity=False).hexdigest()
    finally:
        raw.close()
    return counts, fingerprint


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def restore_target(tmp_path: Path) -> Iterator[str]:
    """Somewhere new to restore into: a temp file, or a fresh PostgreSQL database dropped after."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def populated(make_user: Any) -> int:
    """Users in two roles, people with edits (history rows) and their audit events, all committed."""
    worker, manager = make_user(Role.SOCIAL_WORKER), make_user(Role.TEAM_MANAGER)
    for n in range(6):
        person = person_create(
            actor=worker,
            given_name=f"Child{n}",
            family_name="Drill",
            sex="1",
            date_of_birth=date(2015, 1, n + 1),
        )
        person_update(actor=manager, person=person, expected_version=1, preferred_name=f"C{n}")
    return AuditEvent.objects.count()


@committed_db
def test_restored_copy_matches_row_for_row_and_its_audit_chain_verifies(
    populated: int, restore_target: str, tmp_path: Path, record_property: Any
) -> None:
    """R54: dump, restore into a new database, identical counts and audit fingerprint, chain intact."""
    assert populated >= 12
    source = connection.settings_dict["NAME"]
    tables = sorted(connection.introspection.table_names())
    before = _snapshot(source, tables)

    started = time.monotonic()
    made = backup.backup(tmp_path / "safehub.backup")
    restored = backup.restore(Path(made.destination), target=restore_target)
    after = _snapshot(restore_target, tables)
    verified = _manage(_database_url(restore_target), "verify_audit_chain")
    drill_seconds = time.monotonic() - started

    record_property("backup_restore_drill_seconds", round(drill_seconds, 2))
    print(f"\nbackup {made.seconds:.2f}s, restore {restored.seconds:.2f}s, drill {drill_seconds:.2f}s")
    assert made.size_bytes > 0
    assert oct(Path(made.destination).stat().st_mode & 0o777) == oct(0o600)
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert before[0][AuditEvent._meta.db_table] == populated
    assert verified.returncode == 0, verified.stderr
    assert f"Audit chain intact: {populated} events verified." in verified.stdout
    # The restored database is a working Safehub: no migration is missing.
    migrations = _manage(_database_url(restore_target), "migrate", "--check")
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr


@committed_db
def test_backup_does_not_overwrite_an_existing_file(populated: int, tmp_path: Path) -> None:
    existing = tmp_path / "kept.backup"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_database", "--output", str(existing))
    assert existing.read_bytes() == b"an older backup"
    assert not (tmp_path / "kept.backup.partial").exists()


@committed_db
def test_restore_needs_confirmation_and_refuses_the_database_in_use(populated: int, tmp_path: Path) -> None:
    """A restore over the database this process holds open would pull it from under us."""
    made = backup.backup(tmp_path / "safehub.backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", "--input", made.destination)
    connection.ensure_connection()
    with pytest.raises(CommandError, match="This process is connected"):
        call_command("restore_database", "--input", made.destination, "--yes")
    assert AuditEvent.objects.count() == populated


def test_sqlite_restore_refuses_a_file_another_connection_holds_open(tmp_path: Path) -> None:
    """SQLite can tell when anyone else has the file open; it runs whatever DATABASE_URL says."""
    target = tmp_path / "live.sqlite3"
    other = sqlite3.connect(target)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t (x)")
    other.execute("INSERT INTO t VALUES (1)")
    other.commit()
    donor = tmp_path / "donor.sqlite3"
    sqlite3.connect(donor).close()
    try:
        with pytest.raises(backup.BackupError, match="in use"):
            backup._sqlite_restore(donor, target)
        assert other.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        other.close()


def test_pg_tools_get_the_password_through_the_environment_never_argv() -> None:
    """A password on a command line is visible to every user of the server in `ps`."""
    settings_dict = {
        "NAME": "safehub",
        "HOST": "db.internal",
        "PORT": "5433",
        "USER": "safehub_owner",
        "PASSWORD": "s3cret-Pw-0b9e",
        "OPTIONS": {"sslmode": "verify-full"},
    }
    argv, env = backup._pg_command("pg_dump", settings_dict, "--format=custom")
    assert not any("s3cret" in arg for arg in argv)
    assert env["PGPASSWORD"] == "s3cret-Pw-0b9e"
    assert env["PGSSLMODE"] == "verify-full"
    assert argv[1:] == [
        "--no-password",
        "--host",
        "db.internal",
        "--port",
        "5433",
        "--username",
        "safehub_owner",
        "--format=custom",
    ]

    _, env = backup._pg_command("pg_dump", {**settings_dict, "PASSWORD": ""})
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")
