"""SQLite survives kill -9 mid-write with nothing half-committed and nothing acknowledged lost (R53).

These tests build their own SQLite files with `config.env.database_config`, the function the
settings use, so they run (and must pass) whatever DATABASE_URL the suite is using.
"""

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, transaction
from django.db.utils import ConnectionHandler

from config.env import database_config

ROOT = Path(__file__).resolve().parents[2]
BATCH = 50

# The writer: Django configured with nothing but the database, exactly as the settings build it.
WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    import django
    from django.conf import settings
    from config.env import database_config
    settings.configure(DATABASES={{"default": database_config({url!r})}}, USE_TZ=True)
    django.setup()
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS batch_row (batch INTEGER NOT NULL, n INTEGER NOT NULL, payload TEXT)")
    print("ready", flush=True)
    batch = 0
    while True:
        batch += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO batch_row (batch, n, payload) VALUES (%s, %s, %s)",
                [(batch, n, "x" * 200) for n in range({size})],
            )
        # Acknowledge only after COMMIT has returned.
        print(batch, flush=True)
    """
)


@pytest.fixture
def handler(tmp_path: Path, django_db_blocker: Any) -> Iterator[ConnectionHandler]:
    """Two Django connections to one temporary file, configured as the settings configure SQLite."""
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    quick = database_config(url)
    quick["OPTIONS"]["timeout"] = 0.2  # so a lock conflict shows at once instead of after 20 s
    handler = ConnectionHandler({"default": database_config(url), "quick": quick})
    with django_db_blocker.unblock():
        yield handler
        handler.close_all()


def test_sqlite_settings_give_wal_full_sync_and_immediate_transactions(handler: ConnectionHandler) -> None:
    """R53: journal_mode=WAL, synchronous=FULL, foreign keys on, BEGIN IMMEDIATE, a busy timeout."""
    conn = handler["default"]
    with conn.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert conn.transaction_mode == "IMMEDIATE"
    # Reads go through a memory map (shared OS cache) rather than a per-connection 2 MB cache.
    with conn.cursor() as cursor:
        assert cursor.execute("PRAGMA mmap_size").fetchone()[0] > 100_000_000


def test_connections_are_kept_between_requests_and_checked_before_reuse() -> None:
    kept = database_config("postgres://safehub@db.internal:5432/safehub")
    assert kept["CONN_MAX_AGE"] == 60
    assert kept["CONN_HEALTH_CHECKS"] is True
    per_request = database_config("postgres://safehub@db.internal:5432/safehub", conn_max_age=0)
    assert per_request["CONN_MAX_AGE"] == 0
    assert per_request["CONN_HEALTH_CHECKS"] is False


def test_an_open_transaction_holds_the_write_lock_from_its_first_statement(
    handler: ConnectionHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R53: with BEGIN IMMEDIATE a transaction that has only read still keeps other writers out, so
    read-check-write sequences (optimistic locking, audit-chain appends) cannot interleave."""
    # atomic() looks connections up in django.db.connections; point it at this file's handler.
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: handler[using or "default"])
    first, second = handler["default"], handler["quick"]
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    with transaction.atomic(using="default"), first.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        with pytest.raises(OperationalError, match="locked"), second.cursor() as other:
            other.execute("INSERT INTO t VALUES (1)")
    with second.cursor() as other:
        other.execute("INSERT INTO t VALUES (1)")
        assert other.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 1


@pytest.mark.slow
def test_kill_dash_nine_mid_write_loses_no_acknowledged_batch_and_leaves_no_partial_one(
    tmp_path: Path,
) -> None:
    """R53: a writer killed with SIGKILL after ~1.5 s: integrity ok, whole batches only, and every
    batch the writer acknowledged (after COMMIT returned) is there."""
    db = tmp_path / "crash.sqlite3"
    log = tmp_path / "acknowledged.txt"
    script = WRITER.format(root=str(ROOT), url=f"sqlite:///{db}", size=BATCH)
    with log.open("w") as out:
        writer = subprocess.Popen([sys.executable, "-c", script], stdout=out, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while "ready" not in log.read_text() and time.monotonic() < deadline:
                assert writer.poll() is None, writer.stderr.read().decode() if writer.stderr else ""
                time.sleep(0.05)
            assert "ready" in log.read_text()
            time.sleep(1.5)
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL

    # A line is an acknowledgement only once its newline is written.
    lines = log.read_text().split("\n")[1:-1]
    acknowledged = int(lines[-1]) if lines else 0
    assert acknowledged > 10, "the writer should have committed many batches in 1.5 s"

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows, batches, highest = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT batch), MAX(batch) FROM batch_row"
        ).fetchone()
        partial = conn.execute(
            "SELECT batch, COUNT(*) FROM batch_row GROUP BY batch HAVING COUNT(*) != ?", [BATCH]
        ).fetchall()
    finally:
        conn.close()
    print(f"\nacknowledged {acknowledged}, committed {highest} batches ({rows} rows)")
    assert rows % BATCH == 0
    assert partial == []
    assert highest == batches  # batches 1..highest, none missing in between
    assert highest >= acknowledged
