"""Recomputing stored clock due dates when a local timescale changes (ADR 0004, decision 3).

Casework owns the timescale settings but not the clocks: the services above it (child
protection, later early help and children in care) compute their own due dates. Each registers
a recompute function here from its `AppConfig.ready()`; casework's settings service calls
`recompute_all()` after a timescale change commits, without importing any app above it.
"""

from collections.abc import Callable

_recomputers: list[Callable[[], object]] = []


def register_recompute(fn: Callable[[], object]) -> None:
    """Ask to be called after a local timescale changes. Registering twice is harmless."""
    if fn not in _recomputers:
        _recomputers.append(fn)


def recompute_all() -> None:
    """Call every registered recompute (after a timescale change)."""
    for fn in list(_recomputers):
        fn()
