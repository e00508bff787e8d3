"""Loading postcode locations (British National Grid) from an ONS Postcode Directory or OS
Code-Point Open file, for placement distances and in/out-of-area figures (issue 6).

The columns are found by name, from the file's header row, and only known layouts are read:

- our own `postcode,easting,northing[,local_authority]`;
- the ONS Postcode Directory (ONSPD): `pcds`, `oseast1m`, `osnrth1m` and the local authority
  from `oslaua` or, in later editions, a `lad..cd` column (`lad25cd`);
- OS Code-Point Open, which has no header row, only when the caller says so
  (`layout=CODEPOINT`): Postcode, Positional_quality_indicator, Eastings, Northings,
  Country_code, NHS_regional_HA_code, NHS_HA_code, Admin_county_code, Admin_district_code,
  Admin_ward_code.

A file with no header row, or a header naming none of these, is refused before anything is
written: guessing the column order would silently load a quality indicator as an easting.
Every row that cannot be used is reported with its line number and why, and the good rows are
upserted in batches inside one transaction, so a failed load leaves the table as it was.
"""

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ..models import PostcodeLocation
from ..postcodes import normalise

# The grid's extent over Great Britain (OS: 0-700 km east, 0-1300 km north).
MAX_EASTING = 700_000
MAX_NORTHING = 1_300_000
BATCH_SIZE = 5_000
# Outward code, a space, inward code (BS 7666 shape; GIR 0AA is not a place).
_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$")
_LA_CODE = re.compile(r"^[EWSN][0-9]{8}$")
COLUMNS = ("postcode", "easting", "northing", "local_authority")
HEADER, CODEPOINT = "header", "codepoint"  # CODEPOINT must be asked for; else the header decides
LAYOUTS = (HEADER, CODEPOINT)
# Code-Point Open's columns by position (OS Code-Point Open user guide, "Data structure").
CODEPOINT_COLUMNS = {"postcode": 0, "easting": 2, "northing": 3, "local_authority": 8}
ONSPD_COLUMNS = {"postcode": "pcds", "easting": "oseast1m", "northing": "osnrth1m"}
_ONSPD_LA = re.compile(r"^lad\d*cd$")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Rejected:
    line: int
    postcode: str
    reason: str


class NothingLoaded(Exception):
    """No row could be used: the transaction is rolled back (so --replace does not empty the table)."""

    def __init__(self, report: "LoadReport") -> None:
        super().__init__("Nothing was loaded.")
        self.report = report


@dataclass
class LoadReport:
    rows: int = 0
    loaded: int = 0
    deleted: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


class UnknownLayout(ValueError):
    """The file is not in a layout the loader knows: nothing was read into the table."""


def _header_map(cells: list[str]) -> dict[str, int]:
    """Column positions by our names, from a header row; UnknownLayout if it is not one we know."""
    names = [c.strip().lower().replace(" ", "_") for c in cells]
    if {"postcode", "easting", "northing"} <= set(names):
        return {c: names.index(c) for c in COLUMNS if c in names}
    if set(ONSPD_COLUMNS.values()) <= set(names):
        found = {ours: names.index(theirs) for ours, theirs in ONSPD_COLUMNS.items()}
        if "oslaua" in names:
            found["local_authority"] = names.index("oslaua")
        else:
            # The newest boundary year's code, if an edition carries more than one.
            lad = sorted(n for n in names if _ONSPD_LA.match(n))
            if lad:
                found["local_authority"] = names.index(lad[-1])
        return found
    if _postcode_like(cells[0] if cells else ""):
        raise UnknownLayout(
            "The file has no header row. Add the header postcode,easting,northing[,local_authority], "
            "or, for an OS Code-Point Open file (which has none), run with --format codepoint."
        )
    raise UnknownLayout(
        "The header row names none of the known layouts: postcode,easting,northing[,local_authority], "
        "or the ONS Postcode Directory's pcds, oseast1m, osnrth1m (with oslaua or a lad..cd column). "
        f"It begins: {','.join(cells[:6])[:120]}"
    )


def _postcode_like(value: str) -> bool:
    return bool(_SHAPE.match(normalise(value)))


def _rows(path: Path, layout: str = HEADER) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by our column names). Raises UnknownLayout on the first row, before
    anything is yielded, when the file is not in a layout we know."""
    if layout not in LAYOUTS:
        raise UnknownLayout(f"Unknown format {layout!r}: use one of {', '.join(LAYOUTS)}.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        positions: dict[str, int] | None = CODEPOINT_COLUMNS if layout == CODEPOINT else None
        for index, raw in enumerate(reader, start=1):
            if not raw or not any(cell.strip() for cell in raw):
                continue
            cells = [cell.strip() for cell in raw]
            if positions is None:
                positions = _header_map(cells)
                continue
            if layout == CODEPOINT and index == 1 and not _postcode_like(cells[0]):
                raise UnknownLayout(
                    "With --format codepoint the file must be OS Code-Point Open data, which has no "
                    f"header row; this one begins {','.join(cells[:4])[:80]!r}. Leave out --format "
                    "for a file with a header."
                )
            yield index, {name: cells[i] if i < len(cells) else "" for name, i in positions.items()}


def _coordinate(value: str) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number) if number == number else None  # NaN is not a number here


def check_row(row: dict[str, str]) -> tuple[PostcodeLocation | None, str]:
    """A location to load, or None with the reason the row was rejected."""
    postcode = normalise(row.get("postcode", ""))
    if not postcode:
        return None, "no postcode"
    if not _SHAPE.match(postcode):
        return None, f"{postcode!r} is not the shape of a UK postcode"
    if postcode.startswith("BT"):
        return None, "a Northern Ireland postcode: its coordinates are on the Irish grid, not the British one"
    easting, northing = _coordinate(row.get("easting", "")), _coordinate(row.get("northing", ""))
    if easting is None or northing is None:
        return None, "the easting and northing must be numbers"
    if easting == 0 and northing == 0:
        # How Code-Point Open (quality 90) and ONSPD mark a postcode with no grid reference.
        return None, "no grid reference (0, 0)"
    if not (0 <= easting <= MAX_EASTING and 0 <= northing <= MAX_NORTHING):
        return None, (
            f"easting {easting}, northing {northing} is outside Great Britain's grid "
            f"(0 to {MAX_EASTING:,} east, 0 to {MAX_NORTHING:,} north)"
        )
    authority = (row.get("local_authority") or "").upper()
    if authority and not _LA_CODE.match(authority):
        return None, f"{authority!r} is not an ONS local authority code (like E08000035)"
    return PostcodeLocation(
        postcode=postcode, easting=easting, northing=northing, local_authority=authority
    ), ""


def _upsert(batch: dict[str, PostcodeLocation]) -> None:
    PostcodeLocation.objects.bulk_create(
        list(batch.values()),
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["easting", "northing", "local_authority"],
    )


def postcode_locations_load(
    path: Path,
    *,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    layout: str = HEADER,
) -> LoadReport:
    """Load `path`; with `replace`, the table holds only this file's postcodes afterwards.

    `layout` is HEADER (the header row says which columns are which: ours or ONSPD) or CODEPOINT (no
    header; Code-Point Open's fixed columns). `progress(done, total)` is called after each batch
    with lines read so far. Raises UnknownLayout or NothingLoaded, having written nothing.
    """
    report = LoadReport()
    total = _count_rows(path)
    with transaction.atomic():
        if replace:
            report.deleted, _ = PostcodeLocation.objects.all().delete()
        # Keyed by postcode so a postcode twice in one batch is one row (the later wins).
        batch: dict[str, PostcodeLocation] = {}
        for line, row in _rows(path, layout):
            report.rows += 1
            location, reason = check_row(row)
            if location is None:
                report.rejected.append(Rejected(line, row.get("postcode", ""), reason))
            else:
                batch[location.postcode] = location
            if len(batch) >= batch_size:
                _upsert(batch)
                report.loaded += len(batch)
                batch = {}
                if progress is not None:
                    progress(line, total)
        if batch:
            _upsert(batch)
            report.loaded += len(batch)
        if report.loaded == 0:
            raise NothingLoaded(report)
    if progress is not None:
        progress(total, total)
    return report
