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
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
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


def create(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    now: datetime,
    history_user_id: Any = None,
    history_reason: str = "",
) -> None:
    """Insert model instances, as `bulk_create_with_history` would, with their "+" history rows.

    For callers that build instances (the SSD adapters) rather than rows. Every value is converted
    as `get_db_prep_save` would (JSON and decimals too); `auto_now`/`auto_now_add` fields get `now`,
    set on the instance as their `pre_save` would. Primary keys must be set already (UUID defaults):
    nothing is read back.
    """
    if not objs:
        return
    fields = _insert_fields(model)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
        elif type(field).pre_save not in _PLAIN_PRE_SAVE:
            for obj in objs:
                setattr(obj, field.attname, field.pre_save(obj, add=True))
    values = _values(objs, fields)
    _execute(model._meta.db_table, [str(field.column) for field in fields], values)
    _saved(objs)
    _history_rows(model, fields, values, now, history_user_id, history_reason, "+")


def update(
    model: type[models.Model],
    objs: Sequence[models.Model],
    names: Iterable[str],
    *,
    now: datetime,
    history_user_id: Any = None,
    history_reason: str = "",
    history: bool = True,
) -> None:
    """Write fields `names` of saved instances by primary key, as `bulk_update_with_history` would,
    with their "~" history rows (every field, as the instances hold it). `history=False`: no history
    rows, as a queryset `update()` writes none (the instances need only hold `names` then).

    `bulk_update` writes a CASE per field per 500 rows, which the database then evaluates row by
    row; here SQLite runs one prepared UPDATE per row and PostgreSQL joins a COPYed temporary table.
    Like `bulk_update`, `auto_now` is not applied: callers set `updated_at` themselves.
    """
    if not objs:
        return
    opts = model._meta
    pk = opts.pk
    assert pk is not None
    written = [opts.get_field(name) for name in dict.fromkeys(names)]
    if any(not field.concrete or field.primary_key for field in written):  # type: ignore[attr-defined]
        raise ValueError(f"{model.__name__}: only concrete non-key fields can be updated")
    set_fields: list[Any] = [*written, pk]
    _update(str(opts.db_table), set_fields, _values(objs, set_fields))
    if not history:
        return
    fields = _insert_fields(model)
    _history_rows(model, fields, _values(objs, fields), now, history_user_id, history_reason, "~")


def _insert_fields(model: type[models.Model]) -> list[Any]:
    return [field for field in model._meta.concrete_fields if not isinstance(field, models.AutoField)]


# Fields whose pre_save only reads the attribute (or stamps auto_now, handled above).
_PLAIN_PRE_SAVE = {models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save}
# Types whose get_db_prep_save passes a value of the right Python type through unchanged.
_PASS_THROUGH = {
    "CharField",
    "TextField",
    "EmailField",
    "SlugField",
    "URLField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}


def _exact_converter(field: Any) -> _Convert:
    """`_converter`, and for the other types Django's own `get_db_prep_save` (JSON, decimals)."""
    fast = _converter(field)
    if fast is not _same:
        return fast
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in _PASS_THROUGH or (kind == "UUIDField" and connection.features.has_native_uuid_field):
        return _same
    prepare = field.get_db_prep_save
    return lambda value: prepare(value, connection)


def _values(objs: Sequence[models.Model], fields: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Each object's values of `fields`, converted for this database (conversion chosen per column)."""
    read = operator.attrgetter(*(field.attname for field in fields))
    converters = [_exact_converter(field) for field in fields]
    converted = [(index, convert) for index, convert in enumerate(converters) if convert is not _same]
    single = len(fields) == 1
    rows: list[tuple[Any, ...]] = []
    for obj in objs:
        got = read(obj)
        if not converted:
            rows.append((got,) if single else got)
            continue
        value = [got] if single else list(got)
        for index, convert in converted:
            value[index] = convert(value[index])
        rows.append(tuple(value))
    return rows


def _last_one(convert: _Convert) -> _Convert:
    """`convert`, answering again from the last call when given the very same object.

    A batch's `created_at`/`updated_at` are one datetime object for every row, and turning an aware
    datetime into SQLite's text is a time zone conversion: once per batch instead of once per row.
    Only identity is trusted (equal datetimes in other zones are other objects).
    """
    last: list[Any] = [_NOTHING, None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return converted


_NOTHING = object()


def _saved(objs: Sequence[models.Model]) -> None:
    """What `bulk_create` leaves on the instances: saved, in this database."""
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _history_rows(
    model: type[models.Model],
    fields: Sequence[Any],
    values: list[tuple[Any, ...]],
    now: datetime,
    history_user_id: Any,
    history_reason: str,
    history_type: str,
) -> None:
    """The history table's rows for `values` (the model's `fields`), as `bulk_history_create` writes them."""
    history = getattr(model, "history", None)
    if history is None:
        return
    history_model = history.model
    extra = {
        "history_date": now,
        "history_change_reason": history_reason,
        "history_type": history_type,
        "history_user_id": history_user_id,
    }
    extra_fields = [
        history_model._meta.get_field(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    tail = tuple(_converter(field)(extra[field.attname]) for field in extra_fields)
    columns = [str(history_model._meta.get_field(field.attname).column) for field in fields]
    _execute(
        history_model._meta.db_table,
        columns + [field.column for field in extra_fields],
        [value + tail for value in values],
    )


def upsert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert `rows` ({attname: value}, every row the same keys) into an untracked model's table; a
    row whose `unique` fields clash with a held one sets that one's `update` fields instead (what
    `bulk_create(update_conflicts=True)` does, without an instance per row). No history is written:
    for bookkeeping tables only. At most one row per `unique` value in a call."""
    if not rows:
        return
    if hasattr(model, "history"):
        raise ValueError(f"{model.__name__} keeps history: upsert writes none")
    opts = model._meta
    names = list(rows[0])
    fields: list[Any] = [opts.get_field(name) for name in names]
    # Only the columns this database needs converted are touched per row (as in `insert`).
    converted = [
        (index, convert) for index, field in enumerate(fields) if (convert := _converter(field)) is not _same
    ]
    read = operator.itemgetter(*names)
    values: list[tuple[Any, ...]] = []
    for row in rows:
        got = read(row)
        value = list(got) if len(names) > 1 else [got]
        for index, convert in converted:
            value[index] = convert(value[index])
        values.append(tuple(value))
    quote = connection.ops.quote_name
    table = quote(str(opts.db_table))
    columns = ", ".join(quote(str(field.column)) for field in fields)
    column = {name: quote(str(field.column)) for name, field in zip(names, fields, strict=True)}
    conflict = ", ".join(column[name] for name in unique)
    assignments = ", ".join(f"{column[name]} = EXCLUDED.{column[name]}" for name in update)
    # Only quoted column names of our own models go into the SQL; every value is a parameter.
    tail = f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"  # nosec B608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            scratch = _scratch(cursor, str(opts.db_table), columns, values)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} {tail}")  # noqa: S608  # nosec B608
            cursor.execute(f"DROP TABLE {scratch}")
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) {tail}", values)  # noqa: S608  # nosec B608


def _scratch(cursor: Any, table: str, columns: str, values: list[tuple[Any, ...]]) -> str:
    """PostgreSQL: a temporary table of `values`, typed like `table`'s own `columns` (CREATE ... AS
    with no data copies the types, not the constraints), filled by COPY; the caller drops it.
    Names come from model metadata, never from input."""
    quote = connection.ops.quote_name
    scratch = quote(f"_bulk_{table}"[:63])
    cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {scratch} AS SELECT {columns} FROM {quote(table)} WITH NO DATA"  # noqa: S608  # nosec B608
    )
    with cursor.cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
        for value in values:
            copy.write_row(value)
    return scratch


def _update(table: str, fields: Sequence[Any], values: list[tuple[Any, ...]]) -> None:
    """UPDATE `table` by its key (the last of `fields`) to each row of `values`."""
    quote = connection.ops.quote_name
    *written, pk = (quote(str(field.column)) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One join with the new values instead of a statement per row.
            scratch = _scratch(cursor, table, ", ".join([*written, pk]), values)
            assignments = ", ".join(f"{column} = {scratch}.{column}" for column in written)
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} FROM {scratch} "  # noqa: S608  # nosec B608
                f"WHERE {quote(table)}.{pk} = {scratch}.{pk}"
            )
            cursor.execute(f"DROP TABLE {scratch}")
            return
        # SQLite runs in-process: one prepared UPDATE, run per row, is the quickest way.
        assignments = ", ".join(f"{column} = %s" for column in written)
        cursor.executemany(
            f"UPDATE {quote(table)} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
            values,
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
        return _last_one(ops.adapt_datetimefield_value)
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
