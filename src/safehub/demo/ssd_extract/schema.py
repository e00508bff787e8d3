"""The SSD tables and their fields, read from a copy of the sector's ssd_fields.csv (shipped beside
this module), so every file the extract writes has exactly the header the SSD defines, in order."""

import csv
from functools import cache
from pathlib import Path

FIELDS_FILE = Path(__file__).with_name("ssd_fields.csv")


@cache
def ssd_tables() -> dict[str, tuple[str, ...]]:
    """Table name -> its field names, in ssd_fields.csv order."""
    tables: dict[str, list[str]] = {}
    with FIELDS_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            tables.setdefault(row["table"], []).append(row["field"])
    return {name: tuple(fields) for name, fields in tables.items()}
