"""Who works with a child: filled in by the apps that allocate workers (casework), empty until then.

`people` sits below `casework`, so it cannot ask casework who is allocated to a child. Casework
registers a function here in its `AppConfig.ready()` (HOUSE.md: a lower app learns about a higher
one only through a registry).
"""

from collections.abc import Callable, Iterable
from typing import Any

AllocatedWorkers = Callable[[Any], Iterable[Any]]

_providers: list[AllocatedWorkers] = []


def register_allocated_workers(fn: AllocatedWorkers) -> AllocatedWorkers:
    """Add `fn(child) -> iterable of users` to the providers; usable as a decorator. Idempotent."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def unregister_allocated_workers(fn: AllocatedWorkers) -> None:
    """For tests and app reloads: remove a provider registered earlier (no error if absent)."""
    if fn in _providers:
        _providers.remove(fn)


def allocated_workers_for(child: Any) -> list[Any]:
    """Every active user any provider names for `child`, each once, in a stable order.

    A provider that raises is not caught: the alert and the link that caused it roll back together,
    which is better than a link recorded with its alert silently lost.
    """
    seen: dict[Any, Any] = {}
    for provider in list(_providers):
        for user in provider(child):
            if user is not None and getattr(user, "is_active", False):
                seen.setdefault(user.pk, user)
    return sorted(seen.values(), key=lambda u: str(u.pk))
