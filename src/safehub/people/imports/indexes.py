"""Deferring the secondary indexes of the tables a bulk load writes (`import-csv --defer-indexes`).

A million new people are about twenty million index entries at random places (the keys are random
UUIDs): each insert reads and dirties a B-tree page, and each commit writes the dirty pages again.
Building an index afterwards is one sort of its column values, several times cheaper. So for a large
load the non-unique indexes are dropped first and rebuilt at the end, from the definitions the
database itself holds (`sqlite_master.sql`, `pg_get_indexdef`), so they come back exactly as they were.

Unique indexes, primary keys and constraints are never touched: they are what refuses a duplicate
NHS number or source_id during the load. Nor are the indexes the loader's own per-batch lookups
read (`KEEP`), which would otherwise scan a growing table once a batch.

The rebuild runs in a `finally`, so a load that fails part way still ends with every index back.
Only a killed process (power cut, SIGKILL) can leave them missing; for that case each definition is
reported before it is dropped, and re-running the statements restores it.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models

# (table, leading columns) of the non-unique indexes the batch loader reads: an address is shared
# by postcode (`_addresses`), and national numbers already held are found by (kind, value).
KEEP = {
    ("people_address", ("postcode",)),
    ("people_personidentifier", ("kind", "value")),
}


# PostgreSQL's sort memory for the rebuild (`rebuild`).
REBUILD_MEMORY = "256MB"


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    table: str
    name: str
    sql: str


def tables_of(model_list: Sequence[type[models.Model]]) -> list[str]:
    """Each model's table and, if it keeps history, its history table."""
    tables: list[str] = []
    for model in model_list:
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.append(history.model._meta.db_table)
    return tables


def secondary_indexes(tables: Sequence[str]) -> list[IndexDefinition]:
    """The non-unique, non-constraint indexes on `tables` (less `KEEP`), as the database defines them."""
    found = _sqlite_indexes(tables) if connection.vendor == "sqlite" else _postgresql_indexes(tables)
    return [index for index, columns in found if not _kept(index.table, columns)]


def _kept(table: str, columns: tuple[str, ...]) -> bool:
    return any(name == table and columns[: len(kept)] == kept for name, kept in KEEP)


_Found = tuple[IndexDefinition, tuple[str, ...]]


def _sqlite_indexes(tables: Sequence[str]) -> list[_Found]:
    result: list[_Found] = []
    with connection.cursor() as cursor:
        for table in tables:
            quoted = connection.ops.quote_name(table)
            # index_list: (seq, name, unique, origin, partial); origin "c" is CREATE INDEX, the
            # others back a PRIMARY KEY or UNIQUE constraint.
            cursor.execute(f"PRAGMA index_list({quoted})")
            names = [row[1] for row in cursor.fetchall() if not row[2] and row[3] == "c"]
            for name in names:
                cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
                columns = tuple(row[2] for row in cursor.fetchall())
                cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
                (sql,) = cursor.fetchone()
                result.append((IndexDefinition(table, name, sql), columns))
    return result


def _postgresql_indexes(tables: Sequence[str]) -> list[_Found]:
    sql = """
        SELECT i.tablename, i.indexname, i.indexdef,
               ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                     ORDER BY k.n)
        FROM pg_indexes i
        JOIN pg_class c ON c.relname = i.indexname
        JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = i.schemaname
        JOIN pg_index x ON x.indexrelid = c.oid
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT x.indisunique AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
        ORDER BY i.tablename, i.indexname
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(tables)])
        return [
            (IndexDefinition(table, name, definition), tuple(columns))
            for table, name, definition, columns in cursor.fetchall()
        ]


@contextmanager
def deferred(tables: Sequence[str], *, on_status: Callable[[str], object] | None = None) -> Iterator[None]:
    """Drop the secondary indexes of `tables` for the body, and rebuild each afterwards, even on failure."""
    report = on_status or (lambda message: None)
    chosen = secondary_indexes(tables)
    quote = connection.ops.quote_name
    dropped: list[IndexDefinition] = []
    try:
        report(f"Deferring {len(chosen)} non-unique indexes until the load ends (unique ones stay in force)")
        with connection.cursor() as cursor:
            for index in chosen:
                # The statement that rebuilds it, in the log, in case this process is killed.
                report(f"dropping {index.name}; to rebuild by hand: {index.sql};")
                cursor.execute(f"DROP INDEX {quote(index.name)}")
                dropped.append(index)
        yield
    finally:
        rebuild(dropped, on_status=report)


def rebuild(dropped: Sequence[IndexDefinition], *, on_status: Callable[[str], object]) -> None:
    if dropped and connection.in_atomic_block and connection.vendor == "postgresql":
        # Inside a caller's transaction PostgreSQL refuses CREATE INDEX on a table with deferred
        # foreign-key checks pending; this runs them now (and leaves them deferred again).
        connection.check_constraints()
    with connection.cursor() as cursor:
        previous = None
        if dropped and connection.vendor == "postgresql":
            # PostgreSQL sorts an index build in maintenance_work_mem (64 MB by default); with more,
            # a million-row column sorts in memory instead of in temporary files. This session only.
            cursor.execute("SHOW maintenance_work_mem")
            (previous,) = cursor.fetchone()
            cursor.execute("SET maintenance_work_mem = %s", [REBUILD_MEMORY])
        for number, index in enumerate(dropped, start=1):
            on_status(f"rebuilding index {number}/{len(dropped)}: {index.name} on {index.table}")
            # The definition is the database's own text for an index it held a moment ago.
            cursor.execute(index.sql)
        if previous is not None:
            cursor.execute("SET maintenance_work_mem = %s", [previous])
