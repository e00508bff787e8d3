"""Readers for the reference files. Each returns plain dataclasses and never touches the database."""

from pathlib import Path

from . import cin, ssd, ssda903
from .base import LoadedCode, LoadedFile, LoadedList, SourceError

# The key prefixes the loaders own: a list under one of these prefixes that no file provides any
# more has left its source, so the sync disables its codes.
PREFIXES = (cin.PREFIX, ssda903.PREFIX, ssd.PREFIX)


def load_all(source_dir: Path) -> list[LoadedFile]:
    """Read every source; raise SourceError before anything is written if any file is bad."""
    if not source_dir.is_dir():
        raise SourceError(f"The reference data directory {source_dir} does not exist")
    files = [cin.load(source_dir), ssda903.load(source_dir), *ssd.load(source_dir)]
    keys = [code_list.key for loaded in files for code_list in loaded.lists]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise SourceError(f"More than one file provides the code list(s) {', '.join(duplicates)}")
    return files


__all__ = ["PREFIXES", "LoadedCode", "LoadedFile", "LoadedList", "SourceError", "load_all"]
