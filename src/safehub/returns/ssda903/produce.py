"""Produce and keep a year's SSDA903, and read back the previous year's (ADR 0006, decision 6).

Every production is kept (`produced_return_save`), so the return sent is always the one shown
again; the year marked submitted supplies next year's `_last` tables for the cross-year rules.
"""

import time
from dataclasses import dataclass
from typing import Any

from safehub.accounts.constants import Capability
from safehub.platform.errors import PermissionRefused

from ..constants import ReturnKind
from ..models import ProducedReturn
from ..services.produce import produced_return_save
from .builder import Ssda903Build, build_903_return
from .tables import read_903_csv, write_903_csv


@dataclass(frozen=True)
class Ssda903Produced:
    produced: ProducedReturn
    build: Ssda903Build
    files: dict[str, bytes]


def ssda903_produce(*, actor: Any, year: int) -> Ssda903Produced:
    """Build the 903 for collection year `year`, store it with its files, audited once (R27)."""
    if actor is None or not actor.has_capability(Capability.PREPARE_RETURNS):
        raise PermissionRefused(f"Producing a return needs '{Capability.PREPARE_RETURNS.label}'.")
    started = time.monotonic()
    build = build_903_return(year)
    files = write_903_csv(build.tables)
    produced = produced_return_save(
        actor=actor,
        kind=ReturnKind.SSDA903,
        year=year,
        files=files,
        person_ids=build.person_ids,
        seconds=round(time.monotonic() - started, 3),
    )
    return Ssda903Produced(produced, build, files)


def previous_return(year: int) -> ProducedReturn | None:
    """The 903 for collection year `year - 1`: the one marked submitted (the latest submission if
    it was sent again), else the latest produced, else None."""
    produced = ProducedReturn.objects.filter(kind=ReturnKind.SSDA903, year=year - 1)
    submitted = produced.filter(submitted_at__isnull=False).order_by("-submitted_at", "-created_at").first()
    return submitted or produced.order_by("-created_at").first()


def previous_year_tables(year: int) -> dict[str, list[dict[str, str]]] | None:
    """The previous year's tables (for the validator's `_last` tables), or None when there is none."""
    produced = previous_return(year)
    if produced is None:
        return None
    return read_903_csv({part.name: bytes(part.content) for part in produced.parts.all()})


def previous_year_files(year: int) -> dict[str, bytes] | None:
    """The previous year's files as kept, for the validator's "Prev year" upload."""
    produced = previous_return(year)
    if produced is None:
        return None
    return {part.name: bytes(part.content) for part in produced.parts.all()}
