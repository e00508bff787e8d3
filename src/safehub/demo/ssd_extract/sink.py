"""One open CSV per SSD table; rows are written as they are made (streaming, constant memory)."""

import csv
import json
from pathlib import Path
from typing import IO, Any

from .schema import ssd_tables


def as_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


class Sink:
    """Writes `<table>.csv` for every SSD table (header only when the city has none of its rows).

    With `strict`, a row naming a field its table does not have raises: a misspelt field would
    otherwise be written as an empty column and the value silently lost."""

    def __init__(self, out_dir: Path, *, strict: bool = True) -> None:
        self.tables = ssd_tables()
        self.strict = strict
        self.counts = dict.fromkeys(self.tables, 0)
        self._handles: dict[str, IO[str]] = {}
        self._writers: dict[str, Any] = {}
        self._fieldsets = {name: frozenset(fields) for name, fields in self.tables.items()}
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, fields in self.tables.items():
            handle = (out_dir / f"{name}.csv").open("w", newline="", encoding="utf-8")
            self._handles[name] = handle
            self._writers[name] = csv.writer(handle)
            self._writers[name].writerow(fields)

    def write(self, table: str, row: dict[str, Any]) -> None:
        if self.strict and not self._fieldsets[table].issuperset(row):
            unknown = sorted(set(row) - self._fieldsets[table])
            raise ValueError(f"{table} has no field {', '.join(unknown)}")
        self._writers[table].writerow([row.get(field) for field in self.tables[table]])
        self.counts[table] += 1

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()

    @property
    def rows(self) -> int:
        return sum(self.counts.values())
