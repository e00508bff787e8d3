"""Every route in the URL tree, with its path parameters filled from a seeded world (R18, R19).

The sweep tests and `generate_matrix.py` share this module, so adding a route adds it to every
sweep automatically; the route must then be given its expected outcomes in permission_matrix.yml.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.urls import URLPattern, URLResolver, get_resolver, reverse

MATRIX_PATH = Path(__file__).with_name("permission_matrix.yml")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str  # the route as written, e.g. "people/<uuid:pk>/"
    kwargs: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            full = f"{namespace}:{entry.name}" if namespace else entry.name
            pattern = prefix + str(entry.pattern)
            names = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
            yield Route(full, pattern, names)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.name, route)  # reverse() answers the first definition, so do we
    return sorted(seen.values(), key=lambda r: r.name)


def load_matrix() -> dict[str, Any]:
    return yaml.safe_load(MATRIX_PATH.read_text())


def url_for(route: Route, spec: dict[str, Any], world: dict[str, Any]) -> str:
    """Fill the route's parameters: `=literal` values as given, anything else names a world object."""
    kwargs = {}
    for name, value in (spec.get("params") or {}).items():
        if isinstance(value, str) and value.startswith("="):
            kwargs[name] = value[1:]
        else:
            kwargs[name] = world[value].pk
    return reverse(route.name, kwargs=kwargs)


def expected(spec: dict[str, Any], role: str) -> str:
    return (spec.get("roles") or {}).get(role, spec["default"] if role != ANONYMOUS else spec["anonymous"])
