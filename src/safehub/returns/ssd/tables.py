"""Which SSD tables Safehub reads and writes, in load order (ADR 0006).

Each adapter module adds its tables here. A table in an extract that is not listed is reported
as a whole (every row refused with "table not supported"), never skipped in silence.
"""

from .base import SsdTable

TABLES: list[SsdTable] = []


def register(table: SsdTable) -> SsdTable:
    TABLES.append(table)
    return table


def load_order() -> list[SsdTable]:
    """Tables ordered so that every table comes after those it depends on."""
    from . import care_tables, casework_tables, people_tables  # noqa: F401  (they register)

    done: dict[str, SsdTable] = {}
    pending = {t.name: t for t in TABLES}
    while pending:
        ready = [t for t in pending.values() if all(d in done or d not in pending for d in t.depends_on)]
        if not ready:
            raise RuntimeError(f"SSD tables depend on each other in a circle: {sorted(pending)}")
        for table in sorted(ready, key=lambda t: t.name):
            done[table.name] = table
            del pending[table.name]
    return list(done.values())
