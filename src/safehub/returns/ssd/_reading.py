"""Reading one SSD table's CSV: the header checks and a line-numbered stream of rows or problems.

Extracts come from other systems' SQL exports and spreadsheets, so the reader expects trouble: a
byte-order mark, extra columns, a file cut off mid-row, an unterminated quote. Each becomes a
problem naming its line; the rows before it still load.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .base import Problem, Row, SsdTable


@dataclass(frozen=True)
class Header:
    columns: tuple[str, ...]
    missing: tuple[str, ...]  # adapter fields the file lacks: every row is refused for them
    extra: tuple[str, ...]  # columns the adapter does not know: reported once, ignored


class Record(NamedTuple):
    """One data record of the file: its first line number, and a row or why it cannot be read.

    A named tuple, not a frozen dataclass: one is made per line of a million-line extract, and a
    frozen dataclass sets each field through `object.__setattr__`."""

    line: int
    row: Row | None
    problem: Problem | None


class _Strict(csv.excel):
    # strict: an unterminated quote at the end of a cut-off file raises instead of being swallowed.
    strict = True


def count_records(path: Path) -> int:
    """Lines after the header: the progress bar's 100% (a value spanning lines only overcounts)."""
    with path.open("rb") as raw:
        return max(sum(1 for _ in raw) - 1, 0)


def read_header(path: Path, table: SsdTable) -> Header:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.reader(handle, dialect=_Strict), [])
    columns = tuple(name.strip() for name in first)
    return Header(
        columns=columns,
        missing=tuple(name for name in table.fields if name not in columns),
        extra=tuple(name for name in columns if name and name not in table.fields),
    )


def read_records(path: Path, table_name: str, id_field: str, columns: tuple[str, ...]) -> Iterator[Record]:
    """Every record after the header, in order; a broken one is a problem naming its line."""
    width = len(columns)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, dialect=_Strict)
        next(reader, None)
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield Record(
                    line,
                    None,
                    Problem(
                        table_name,
                        "",
                        "row",
                        f"line {line}: the row cannot be read ({error}); the file may be cut off "
                        "or a quote left open",
                    ),
                )
                return
            if not values:  # a blank line is not a row
                line = reader.line_num + 1
                continue
            row = dict(zip(columns, map(str.strip, values), strict=False))
            if len(values) != width:
                problem = (
                    f"line {line}: {len(values)} values where the header has {width} "
                    "(a cut-off or broken line)"
                )
                yield Record(line, None, Problem(table_name, row.get(id_field, ""), "row", problem))
            else:
                yield Record(line, row, None)
            line = reader.line_num + 1
