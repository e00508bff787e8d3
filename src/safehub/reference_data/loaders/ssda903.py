"""Code lists from the SSDA903 (children looked after) return schema (STATUTORY.md section 2.2).

The schema is a YAML `column_map`: table -> field -> spec. A field whose spec has a `category`
list is a code list, keyed `903.<field>` in lower case. A field name used by more than one table
with the same codes (SEX in Header and UASC) is one list; if two tables ever disagree, each gets
its own list, `903.<table>.<field>`, rather than one silently winning.
"""

from pathlib import Path
from typing import Any

import yaml

from .base import LoadedCode, LoadedFile, LoadedList, SourceError, latest, relative, source_label, tidy

PREFIX = "903"
PATTERN = "SSDA903_schema_*.yml"


def load(source_dir: Path) -> LoadedFile:
    path = latest(source_dir, PATTERN, what="The SSDA903 schema")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceError(f"{path.name}: not valid YAML ({exc})") from exc
    column_map = document.get("column_map") if isinstance(document, dict) else None
    if not isinstance(column_map, dict):
        raise SourceError(f"{path.name}: has no column_map of tables and fields")
    source = source_label(path, source_dir)

    by_field: dict[str, list[tuple[str, tuple[LoadedCode, ...]]]] = {}
    for table, fields in column_map.items():
        if not isinstance(fields, dict):
            raise SourceError(f"{path.name}: table {table} is not a mapping of fields")
        for field, spec in fields.items():
            codes = _codes(path.name, table, field, spec)
            if codes:
                by_field.setdefault(str(field), []).append((str(table), codes))

    lists: list[LoadedList] = []
    for field, uses in by_field.items():
        tables = [table for table, _ in uses]
        if all(_same(codes, uses[0][1]) for _, codes in uses):
            lists.append(_list(f"{PREFIX}.{field.lower()}", field, tables, uses[0][1], source))
        else:
            for table, codes in uses:
                lists.append(
                    _list(f"{PREFIX}.{table.lower()}.{field.lower()}", field, [table], codes, source)
                )
    return LoadedFile(path=relative(path, source_dir), lists=tuple(lists))


def _codes(file_name: str, table: Any, field: Any, spec: Any) -> tuple[LoadedCode, ...]:
    items = spec.get("category") if isinstance(spec, dict) else None
    if not items:
        return ()
    codes = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "code" not in item or isinstance(item["code"], bool):
            raise SourceError(f"{file_name}: {table}.{field} item {position} has no usable code")
        code = str(item["code"]).strip()
        codes.append(
            LoadedCode(
                code=code,
                label=tidy(str(item["name"])) if item.get("name") is not None else code,
                sort_order=position,
                source_row=f"column_map.{table}.{field}.category[{position}]",
            )
        )
    return tuple(codes)


def _same(a: tuple[LoadedCode, ...], b: tuple[LoadedCode, ...]) -> bool:
    return [(c.code, c.label) for c in a] == [(c.code, c.label) for c in b]


def _list(key: str, field: str, tables: list[str], codes: tuple[LoadedCode, ...], source: str) -> LoadedList:
    return LoadedList(
        key=key,
        name=f"SSDA903: {field}",
        source=source,
        description=f"SSDA903 field {field} in {', '.join(tables)}.",
        codes=codes,
    )
