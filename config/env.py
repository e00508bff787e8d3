"""Every value Safehub reads from the environment is read here, in one place."""

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


# SQLite reads pages through a memory map of at most this many bytes (its compile-time ceiling
# is about 2 GiB): a page the OS already caches is then read without a system call and a copy,
# and every connection shares the OS cache instead of warming its own 2 MB page cache. A person
# search at 1M people touches about a thousand pages of the key and profile indexes.
SQLITE_MMAP_BYTES = 2_000_000_000


def database_config(url: str | None, conn_max_age: int = 60) -> dict[str, Any]:
    """SQLite under var/ by default, configured for crash safety (R53); otherwise DATABASE_URL.

    Connections are kept for `conn_max_age` seconds (checked before reuse) rather than opened per
    request: a new PostgreSQL connection costs a TLS and authentication round trip, and a new
    SQLite one its PRAGMAs, on every page and API call.
    """
    import dj_database_url

    if not url:
        url = f"sqlite:///{BASE_DIR / 'var' / 'safehub.sqlite3'}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's own cursors never prepare statements (they bind on the client), whatever this
        # says; a very high threshold leaves automatic preparing off but lets the person search
        # prepare its one hot statement explicitly (people/matching/scorer.py).
        config.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = config.setdefault("OPTIONS", {})
        # IMMEDIATE takes the write lock at BEGIN, which serialises audit-chain appends and makes
        # optimistic-lock checks race-free; WAL + synchronous=FULL survive a kill -9 (R53).
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 20)
        options.setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            f"PRAGMA mmap_size={SQLITE_MMAP_BYTES};",
        )
    return config
