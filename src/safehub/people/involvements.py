"""Open involvements with a person, gathered from the apps that hold them (issue 4, item 3).

The front door shows, on every contact, what children's services already have open for the
children in it: an early help episode, a referral, a plan, a period of care. Those apps sit above
`people` and below `front_door`, so they register a source here in their AppConfig.ready(), the
same way they register chronology sources. A source answers for one actor and a list of people
and must apply its own policy: it returns only what the actor may see.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Involvement:
    person_id: Any
    service: str  # "Early help", "Child protection plan" …
    started_on: date | None
    worker: str = ""
    team: str = ""
    url: str = ""
    kind: str = ""  # the casework service ("looked_after" …), for links that depend on it


Source = Callable[[Any, list[Any]], Iterable[Involvement]]
_sources: dict[str, Source] = {}


def register_involvement_source(name: str, source: Source) -> None:
    _sources[name] = source


def unregister_involvement_source(name: str) -> None:
    _sources.pop(name, None)


def open_involvements(*, actor: Any, person_ids: Iterable[Any]) -> list[Involvement]:
    """Every registered source's open involvements with these people, oldest first."""
    ids = list(person_ids)
    if not ids:
        return []
    found: list[Involvement] = []
    for source in _sources.values():
        found.extend(source(actor, ids))
    return sorted(found, key=lambda item: (item.started_on or date.min, item.service))
