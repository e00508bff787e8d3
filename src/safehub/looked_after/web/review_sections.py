"""Sections this area adds to the period-of-care page (see sections.py)."""

from typing import Any


def sections(actor: Any, period: Any) -> list[tuple[str, dict[str, Any]]]:
    return []
