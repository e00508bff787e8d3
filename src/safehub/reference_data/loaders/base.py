"""What every loader answers: plain data read from one file, no database."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """A reference file is missing or malformed. The message names the file and the problem."""


@dataclass(frozen=True)
class LoadedCode:
    code: str
    label: str
    sort_order: int
    source_row: str


@dataclass(frozen=True)
class LoadedList:
    key: str
    name: str
    source: str
    description: str
    codes: tuple[LoadedCode, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for item in self.codes:
            if not item.code:
                raise SourceError(f"{self.source}: an empty code in {self.key} at {item.source_row}")
            if item.code in seen:
                raise SourceError(f"{self.source}: code {item.code!r} appears twice in {self.key}")
            seen.add(item.code)


@dataclass(frozen=True)
class LoadedFile:
    """Every list read from one source file."""

    path: str
    lists: tuple[LoadedList, ...]

    @property
    def code_count(self) -> int:
        return sum(len(code_list.codes) for code_list in self.lists)


def source_label(path: Path, root: Path) -> str:
    """The file name and a content version: a changed file is visibly a different source."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{relative(path, root)} (sha256 {digest})"


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def latest(source_dir: Path, pattern: str, *, what: str) -> Path:
    """The newest release of a yearly file, e.g. CIN_schema_2025.xsd over CIN_schema_2024.xsd.

    Taking the newest lets next year's schema be dropped in beside this year's; codes the new
    release no longer lists are then disabled, not deleted.
    """
    candidates = sorted(source_dir.glob(pattern), key=lambda p: (_year(p.name), p.name))
    if not candidates:
        raise SourceError(f"{what} not found: expected a file matching {pattern} in {source_dir}")
    return candidates[-1]


def _year(name: str) -> int:
    found = re.findall(r"(\d{4})", name)
    return int(found[-1]) if found else 0


def tidy(text: str | None) -> str:
    """Collapse the line breaks and indentation that schema files put inside labels."""
    return " ".join((text or "").split())
