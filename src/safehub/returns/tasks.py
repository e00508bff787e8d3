"""Background work of the returns pages: thin wrappers that reload the user and call services.

Each task runs with the identity of the user who asked and re-checks their capability, so access
withdrawn between the click and the run is refused (R24).
"""

import time
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django_tasks import task

from safehub.platform import context
from safehub.platform.errors import PermissionRefused

from .constants import ReturnKind
from .models import ProducedReturn
from .policies import returns_can
from .services.produce import produced_return_save
from .validation.services import validate_return


def _actor(user_id: str) -> Any:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not returns_can(user, "prepare"):
        raise PermissionRefused("The user who asked may no longer prepare returns.")
    return user


def return_produce(
    *, actor: Any, kind: str, year: int | None = None, as_at: date | None = None
) -> ProducedReturn:
    """Build and keep one return of `kind` (the builders live beside each return)."""
    if not returns_can(actor, "prepare"):
        raise PermissionRefused("Producing a return needs 'prepare statutory returns'.")
    if kind == ReturnKind.SSDA903 and year is not None:
        from .ssda903.produce import ssda903_produce

        return ssda903_produce(actor=actor, year=year).produced
    started = time.monotonic()
    if kind == ReturnKind.CIN and year is not None:
        from .cin.builder import build_cin_census

        xml, people = build_cin_census(year)
        files = {f"cin_census_{year}.xml": xml}
    elif kind == ReturnKind.ANNEX_A and as_at is not None:
        from .annex_a.workbook import build_annex_a

        book, people = build_annex_a(as_at)
        files = {f"annex_a_{as_at.isoformat()}.xlsx": book}
    else:
        raise ValueError(f"Cannot produce {kind!r} for year={year!r} as_at={as_at!r}")
    return produced_return_save(
        actor=actor,
        kind=ReturnKind(kind),
        files=files,
        person_ids=people,
        seconds=round(time.monotonic() - started, 3),
        year=year,
        as_at=as_at,
    )


@task()
def produce_return(user_id: str, kind: str, year: int | None = None, as_at: str | None = None) -> str:
    token = context.bind(context.RequestContext(channel="task"))
    try:
        produced = return_produce(
            actor=_actor(user_id), kind=kind, year=year, as_at=date.fromisoformat(as_at) if as_at else None
        )
    finally:
        context.reset(token)
    return str(produced.pk)


@task()
def validate_produced_return(user_id: str, produced_id: str) -> str:
    token = context.bind(context.RequestContext(channel="task"))
    try:
        produced = ProducedReturn.objects.get(pk=UUID(produced_id))
        run = validate_return(produced, actor=_actor(user_id))
    finally:
        context.reset(token)
    return str(run.pk)
