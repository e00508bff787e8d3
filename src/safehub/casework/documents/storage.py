"""Document bytes on disk, under random names, outside the web root (R43, ADR 0004 decision 7).

The directory is `settings.SAFEHUB_DOCUMENT_ROOT` (default `<BASE_DIR>/var/documents`), created
owner-only (0700); files are written owner-only (0600) and never overwritten. No URL maps onto
it: the only way out is the authorised download view. A storage name is 32 hex characters from
`secrets`, so a name taken from the database can never walk out of the directory.
"""

import hashlib
import os
import re
import secrets
from pathlib import Path

from django.conf import settings

_NAME = re.compile(r"[0-9a-f]{32}")


def document_root() -> Path:
    configured = getattr(settings, "SAFEHUB_DOCUMENT_ROOT", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "documents"


def _ensure_root() -> Path:
    """The directory, created owner-only on the first write (reads never create it)."""
    root = document_root()
    if not root.is_dir():
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        root.chmod(0o700)  # mkdir's mode is filtered by the umask
    return root


def path_for(storage_name: str) -> Path:
    if not _NAME.fullmatch(storage_name):
        raise ValueError("Not a document storage name.")
    return document_root() / storage_name


def new_name() -> str:
    return secrets.token_hex(16)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(data: bytes) -> str:
    """Write `data` under a new random name; return the name."""
    _ensure_root()
    name = new_name()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path_for(name), flags, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return name


def exists(storage_name: str) -> bool:
    return path_for(storage_name).is_file()


def delete(storage_name: str) -> None:
    path_for(storage_name).unlink(missing_ok=True)
