"""Plain multi-row INSERTs for the batch loader, with the same history rows simple-history writes.

Why not `bulk_create_with_history`: Django's `bulk_create` builds a model instance per row and runs
each field's pre-save and conversion per value; a new person is about twenty rows (person, name,
identifiers, address, person-address, their history, a match profile and six or so keys), and on
this class of machine that capped the import near 300 people a second (55 minutes for a million; measured by
`benchmarks/people_import.py`). Here each column's conversion is chosen once per table and the rows
go to the database as one `executemany`. Values are the ones the models and services would store:
callers pass every field they set, every other field gets its model default, and `created_at` /
`updated_at` get the batch's time. The history table gets the same values plus the history fields
(`history_type` "+", the user, the date, the change reason), as `bulk_history_create` writes them.
"""

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

_Convert = Callable[[Any], Any]
# SQLite page cache for a bulk load, in KiB (`load_settings`).
BULK_CACHE_KIB = 256 * 1024


def insert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    now: datetime,
    history_user_id: Any = None,
    history_reason: str = "",
) -> None:
    """Insert `rows` ({attname: value}) into `model`'s table and, if it keeps history, its history table."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, models.AutoField)]
    columns: list[str] = []
    converters: list[_Convert] = []
    constants: dict[str, Any] = {}
    for field in fields:
        columns.append(str(field.column))
        converters.append(_converter(field))
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.attname] = now
        elif field.has_default() and not callable(field.default):
            constants[field.attname] = field.get_default()
        elif field.null:
            constants[field.attname] = None
        elif field.empty_strings_allowed:
            constants[field.attname] = ""
    attnames = [field.attname for field in fields]
    # Defaults are converted once per table, not once per row; a value the caller passes is converted
    # only where this database needs it (a date on SQLite, a UUID object rather than its hex).
    defaults = [
        convert(constants[name]) if name in constants else None
        for name, convert in zip(attnames, converters, strict=True)
    ]
    converted = [(index, convert) for index, convert in enumerate(converters) if convert is not _same]
    known = set(attnames)
    values: list[tuple[Any, ...]] = []
    append = values.append
    for row in rows:
        if not known.issuperset(row):
            raise TypeError(f"{model.__name__} has no fields {sorted(set(row) - known)}")
        # One C-level pass: each column's value, or its default when the row does not set it.
        value = list(map(row.get, attnames, defaults))
        for index, convert in converted:
            if value[index] is not defaults[index]:
                value[index] = convert(value[index])
        append(tuple(value))
    _execute(model._meta.db_table, columns, values)

    history = getattr(model, "history", None)
    if history is None:
        return
    history_model = history.model
    extra = {
        "history_date": now,
        "history_change_reason": history_reason,
        "history_type": "+",
        "history_user_id": history_user_id,
    }
    extra_fields = [
        history_model._meta.get_field(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    tail = tuple(_converter(field)(extra[field.attname]) for field in extra_fields)
    history_columns = [str(history_model._meta.get_field(name).column) for name in attnames]
    _execute(
        history_model._meta.db_table,
        history_columns + [field.column for field in extra_fields],
        [value + tail for value in values],
    )


def _converter(field: models.Field) -> _Convert:
    """The one conversion a column needs on this database (what `get_db_prep_save` would do)."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    ops = connection.ops
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return _uuid_hex
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    return _same


def _same(value: Any) -> Any:
    return value


def _uuid_hex(value: Any) -> Any:
    """SQLite stores a UUID as its 32 hex digits; `new_ids` already gives that form."""
    return value if value is None or isinstance(value, str) else value.hex


# The version-4 variant and version bits, as `uuid.uuid4` sets them.
_V4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_V4_SET = (0x8000 << 48) | (4 << 76)
# The bits below the first group (the first 8 hex digits) of a UUID.
_BELOW_FIRST_GROUP = (1 << 96) - 1


def new_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as 32 hex digits, the form both databases take in bulk.

    `uuid.uuid4()` builds and checks an object per call, about 5 microseconds; a new person needs
    five or six ids, so for a million people that alone was half a minute.

    The ids of one call share their first group (32 random bits drawn for the call); the other 90
    bits are random per id. A batch's rows then land in one narrow range of every index keyed on
    them (the primary keys, and the person_id-led unique indexes of names, addresses, match keys
    and profiles) instead of on a random page each: at a million people that is the difference
    between rewriting most of each index at every commit and appending a few hundred pages to it
    (measured in docs/operations/bulk-import.md). The ids stay unguessable; what the shared group
    tells is only which people were loaded in the same batch, which their audit event says anyway.
    """
    shared = int.from_bytes(os.urandom(4)) << 96
    data = os.urandom(16 * count)
    return [
        f"{((int.from_bytes(data[start : start + 16]) & _BELOW_FIRST_GROUP & _V4_CLEAR) | shared | _V4_SET):032x}"
        for start in range(0, 16 * count, 16)
    ]


@contextlib.contextmanager
def load_settings() -> Iterator[None]:
    """Connection settings for a bulk load, restored afterwards.

    SQLite's default page cache is 2 MB: at a million people the tables' indexes are hundreds of MB,
    and every insert into a random place in them (UUIDs are random) would read its page back from
    the OS. A 256 MB cache (per connection, not shared) keeps them in memory for the run. Durability settings (WAL, synchronous=FULL) are not touched: a
    loaded batch is as safe as any other write (R53).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous_cache,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")


def _execute(table: str, columns: list[str], values: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: no statement per row, no huge statement to parse.
            # Table and column names come from model metadata, never from input.
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        # SQLite runs in-process: executemany reuses one prepared statement, the fastest way in.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
            quote(table), names, ", ".join(["%s"] * len(columns))
        )
        cursor.executemany(sql, values)
