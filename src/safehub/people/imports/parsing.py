"""Reading the import file: UTF-8 CSV with one exact header, streamed row by row."""

import csv
from collections.abc import Iterator
from typing import Any, TextIO

from ..constants import IMPORT_HEADER

HEADER = IMPORT_HEADER


class ImportFileError(ValueError):
    """The file itself cannot be read on from this point (not UTF-8, broken quoting)."""


class HeaderError(ImportFileError):
    """The file is not in the agreed format, so no row of it can be trusted: nothing is loaded."""


def read_rows(stream: TextIO) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {column: value}) for each data row; the header is line 1.

    The line number is the physical line the row starts on, so a quoted value spanning lines still
    points the person fixing the file at the right place. A row with the wrong number of cells is
    yielded with the key "" holding a message, for validation to report like any other refusal.
    """
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise HeaderError(
            "The file is empty: the first line must be the header " + ",".join(HEADER)
        ) from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise HeaderError(f"The header cannot be read: {error}") from error
    found = tuple(cell.strip() for cell in header)
    if found and found[0].startswith("\ufeff"):
        # Spreadsheets save "UTF-8 CSV" with a byte-order mark in front of the first column name.
        found = (found[0].removeprefix("\ufeff"), *found[1:])
    if found != HEADER:
        raise HeaderError(
            "The header must be exactly: " + ",".join(HEADER) + " (found: " + ",".join(found) + ")"
        )
    line = reader.line_num + 1
    try:
        yield from _rows(reader, line)
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileError(f"The file cannot be read after line {reader.line_num}: {error}") from error


def _rows(reader: Any, line: int) -> Iterator[tuple[int, dict[str, str]]]:
    for cells in reader:
        if not cells:  # A blank line is no row, not an empty one.
            line = reader.line_num + 1
            continue
        if len(cells) != len(HEADER):
            yield line, {"": f"The row has {len(cells)} cells; the header has {len(HEADER)}"}
        else:
            yield line, dict(zip(HEADER, (cell.strip() for cell in cells), strict=True))
        line = reader.line_num + 1
