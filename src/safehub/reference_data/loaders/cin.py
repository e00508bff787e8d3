"""Code lists from the CIN census XML schema (STATUTORY.md section 1.3).

Every `xs:simpleType` that restricts to `xs:enumeration` values becomes a list `cin.<type name>`;
a label is the enumeration's `xs:annotation/xs:documentation` when the schema gives one, else the
code itself. An anonymous simple type takes the name of the element that declares it.

ElementTree rather than defusedxml: `_parse` refuses any DTD or entity declaration before parsing,
which removes the entity-expansion attacks defusedxml guards against.
"""

from pathlib import Path
from xml.etree import ElementTree  # nosec B405

from .base import LoadedCode, LoadedFile, LoadedList, SourceError, latest, relative, source_label, tidy

PREFIX = "cin"
PATTERN = "CIN_schema_*.xsd"
_XS = "{http://www.w3.org/2001/XMLSchema}"


def load(source_dir: Path) -> LoadedFile:
    path = latest(source_dir, PATTERN, what="The CIN census schema")
    root = _parse(path)
    source = source_label(path, source_dir)
    used_by = _elements_by_type(root)
    lists: list[LoadedList] = []
    for type_name, simple_type in _simple_types(root):
        restriction = simple_type.find(f"{_XS}restriction")
        enumerations = [] if restriction is None else restriction.findall(f"{_XS}enumeration")
        if not enumerations:
            continue
        codes = tuple(
            LoadedCode(
                code=(enum.get("value") or "").strip(),
                label=tidy(enum.findtext(f"{_XS}annotation/{_XS}documentation")) or (enum.get("value") or ""),
                sort_order=position,
                source_row=f"simpleType {type_name} / enumeration {position}",
            )
            for position, enum in enumerate(enumerations, start=1)
        )
        elements = used_by.get(type_name, [])
        description = f"CIN census schema simple type {type_name}"
        if elements:
            description += f", used by {', '.join(elements)}"
        lists.append(
            LoadedList(
                key=f"{PREFIX}.{type_name.lower()}",
                name=f"CIN census: {type_name}",
                source=source,
                description=description + ".",
                codes=codes,
            )
        )
    keys = [code_list.key for code_list in lists]
    if len(keys) != len(set(keys)):
        raise SourceError(f"{path.name}: two simple types share a name ({sorted(keys)})")
    return LoadedFile(path=relative(path, source_dir), lists=tuple(lists))


def _parse(path: Path) -> ElementTree.Element:
    raw = path.read_bytes()
    # A schema has no business declaring entities; refusing DTDs outright rules out entity
    # expansion and external-entity tricks, whatever the XML parser's defaults.
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise SourceError(f"{path.name}: declares a DTD or entities, which a schema never needs")
    try:
        return ElementTree.fromstring(raw)  # noqa: S314  # nosec B314
    except ElementTree.ParseError as exc:
        raise SourceError(f"{path.name}: not well-formed XML ({exc})") from exc


def _simple_types(root: ElementTree.Element) -> list[tuple[str, ElementTree.Element]]:
    """Every simple type in document order, named; anonymous ones after their element."""
    found: list[tuple[str, ElementTree.Element]] = []

    def walk(node: ElementTree.Element, element_name: str) -> None:
        for child in node:
            if child.tag == f"{_XS}simpleType":
                found.append((child.get("name") or element_name, child))
            walk(child, child.get("name", element_name) if child.tag == f"{_XS}element" else element_name)

    walk(root, "")
    return found


def _elements_by_type(root: ElementTree.Element) -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for element in root.iter(f"{_XS}element"):
        type_name, name = element.get("type"), element.get("name")
        if type_name and name and name not in used.setdefault(type_name, []):
            used[type_name].append(name)
    return used
