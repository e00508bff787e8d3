"""Backing up and restoring Safehub's database on SQLite and PostgreSQL (R54).

The management commands `backup_database` and `restore_database` are thin wrappers around
`backup()` and `restore()`. Both write a backup under a temporary name and rename it into place
only once it has been checked, so a half-written file never looks like a good backup. Backups hold
personal data: files are created readable by their owner only.

See docs/operations/backup-and-restore.md for the schedule, retention and the restore drill.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be done safely; the message says what to do."""


@dataclass(frozen=True)
class Result:
    vendor: str
    source: str
    destination: str
    size_bytes: int
    seconds: float
    note: str = ""


# --- public face --------------------------------------------------------------------------------


def backup(output: Path, *, using: str = "default", overwrite: bool = False) -> Result:
    """Copy the live database to `output`; check the copy before it gets its final name."""
    output = Path(output)
    if output.exists() and not overwrite:
        raise BackupError(f"{output} already exists; choose another name or pass --force.")
    if not output.parent.is_dir():
        raise BackupError(f"The directory {output.parent} does not exist.")
    settings_dict = connections[using].settings_dict
    vendor = connections[using].vendor
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        if vendor == "sqlite":
            source = str(_sqlite_path(settings_dict["NAME"]))
            _sqlite_backup(Path(source), partial)
            note = "integrity_check ok"
        elif vendor == "postgresql":
            source = settings_dict["NAME"]
            _pg_backup(settings_dict, partial)
            note = "archive table of contents readable"
        else:
            raise BackupError(f"Backing up a {vendor} database is not supported.")
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return Result(vendor, source, str(output), output.stat().st_size, time.monotonic() - started, note)


def restore(source: Path, *, using: str = "default", target: str | None = None) -> Result:
    """Replace the target database's contents with the backup in `source`.

    The target defaults to the configured database. The app servers and the task worker must be
    stopped first: this refuses a target that this process holds open and, on SQLite, one that any
    other connection holds open. On PostgreSQL it cannot tell, so the runbook says to stop them.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    settings_dict = connections[using].settings_dict
    vendor = connections[using].vendor
    started = time.monotonic()
    if vendor == "sqlite":
        target_path = _sqlite_path(target or settings_dict["NAME"])
        _refuse_if_open_here("sqlite", str(target_path))
        note = _sqlite_restore(source, target_path)
        destination = str(target_path)
    elif vendor == "postgresql":
        destination = target or settings_dict["NAME"]
        _refuse_if_open_here("postgresql", destination, settings_dict)
        _pg_restore(settings_dict, source, destination)
        note = "restored in one transaction; re-run audit_grant_app_role for the application role"
    else:
        raise BackupError(f"Restoring a {vendor} database is not supported.")
    return Result(vendor, str(source), destination, source.stat().st_size, time.monotonic() - started, note)


def _refuse_if_open_here(vendor: str, target: str, settings_dict: dict[str, Any] | None = None) -> None:
    """Refuse to overwrite a database this very process holds open (a shell, a test, a server)."""
    for conn in connections.all(initialized_only=True):
        if conn.vendor != vendor or conn.connection is None:
            continue
        name = conn.settings_dict["NAME"]
        if vendor == "sqlite":
            same = str(name) != ":memory:" and Path(str(name)).resolve() == Path(target)
        else:
            assert settings_dict is not None
            same = name == target and all(
                conn.settings_dict.get(k) == settings_dict.get(k) for k in ("HOST", "PORT")
            )
        if same:
            raise BackupError(
                f"This process is connected to {target}; restore into another --target, "
                "or stop Safehub and run the restore on its own."
            )


def _create_private(path: Path) -> None:
    """Create an empty file only its owner can read: backups hold personal data."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_path(name: Any) -> Path:
    name = str(name)
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name).resolve()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(str(row[0]) for row in rows)


def _sqlite_backup(source: Path, partial: Path) -> None:
    """SQLite's online backup API: a consistent snapshot while the app keeps running.

    In WAL mode readers do not block writers, so taking the snapshot pauses nobody.
    """
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    src = sqlite3.connect(source, timeout=20)
    try:
        _copy(src, partial)
    finally:
        src.close()


def _copy(src: sqlite3.Connection, path: Path) -> None:
    """Copy an open database to a new private file, as one self-contained (non-WAL) file."""
    _create_private(path)
    dst = sqlite3.connect(path)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
    verdict = _integrity(path)
    if verdict != "ok":
        raise BackupError(f"The copy {path} failed PRAGMA integrity_check: {verdict}")


def _sqlite_restore(source: Path, target: Path) -> str:
    """Copy the backup into the target with SQLite's backup API, not a file copy.

    Copying the file over a WAL database would leave its old -wal file to be replayed onto the
    restored pages, which corrupts it. The backup API writes through SQLite's own locking. The
    target's previous contents are kept beside it first, so a restore of the wrong file is undone
    by restoring that copy.
    """
    verdict = _integrity(source)
    if verdict != "ok":
        raise BackupError(f"The backup {source} failed PRAGMA integrity_check: {verdict}")
    if not target.parent.is_dir():
        raise BackupError(f"The directory {target.parent} does not exist.")
    had_contents = target.exists() and target.stat().st_size > 0
    if not target.exists():
        _create_private(target)
    note = ""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=1)
    try:
        try:
            # Leaving WAL mode needs every other connection gone: a reliable "is it in use?" test.
            dst.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.OperationalError as exc:
            raise BackupError(
                f"{target} is in use ({exc}); stop the app servers and the task worker first."
            ) from exc
        if had_contents:
            safety = target.with_name(f"{target.name}.pre-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
            _copy(dst, safety)
            note = f"previous contents kept in {safety}; "
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
    verdict = _integrity(target)
    if verdict != "ok":
        raise BackupError(f"The restored database failed PRAGMA integrity_check: {verdict}")
    return note + "integrity_check ok"


# --- PostgreSQL ---------------------------------------------------------------------------------

# libpq reads these from the environment; pg_dump and pg_restore have no flags for most of them.
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
}


def _pg_command(program: str, settings_dict: dict[str, Any], *args: str) -> tuple[list[str], dict[str, str]]:
    """The argument list and environment for a libpq client tool; the password never goes in argv."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} is not installed; install the PostgreSQL client of the server's major version."
        )
    argv = [binary, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            argv += [flag, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in _PG_OPTION_ENV.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return argv + list(args), env


def _run(argv: list[str], env: dict[str, str]) -> None:
    # An argument list, never a shell, so no value from settings can inject a command.
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        program = Path(argv[0]).name
        raise BackupError(f"{program} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_backup(settings_dict: dict[str, Any], partial: Path) -> None:
    """pg_dump's custom format: compressed, and pg_restore can pick tables or run in parallel."""
    _create_private(partial)
    argv, env = _pg_command(
        "pg_dump", settings_dict, "--format=custom", "--file", str(partial), "--dbname", settings_dict["NAME"]
    )
    _run(argv, env)
    # Reading the table of contents back proves the archive is complete and well formed.
    argv, env = _pg_command("pg_restore", {}, "--list", str(partial))
    _run(argv, env)


def _pg_restore(settings_dict: dict[str, Any], source: Path, dbname: str) -> None:
    """Restore into an existing database, all or nothing.

    --single-transaction: a failed restore leaves the target as it was. --no-owner and --no-acl:
    the restoring role owns the objects and no grant from the source cluster is replayed (the
    application role may not exist here); `safehub audit_grant_app_role` sets privileges afresh,
    so the app has no access at all until then, rather than the wrong access.
    """
    argv, env = _pg_command(
        "pg_restore",
        settings_dict,
        "--exit-on-error",
        "--single-transaction",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-acl",
        "--dbname",
        dbname,
        str(source),
    )
    _run(argv, env)
