"""Keep a produced return and its files (ADR 0006, decision 6)."""

import hashlib
from datetime import date
from typing import Any

from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services.record import record_event

from ..constants import ReturnKind
from ..models import ProducedReturn, ReturnPart


def produced_return_save(
    *,
    actor: Any,
    kind: ReturnKind,
    files: dict[str, bytes],
    person_ids: list[Any],
    seconds: float,
    year: int | None = None,
    as_at: date | None = None,
) -> ProducedReturn:
    """Store one production of a return with its files, in one transaction, audited once."""
    with transaction.atomic():
        produced = ProducedReturn.objects.create(
            kind=kind, year=year, as_at=as_at, produced_by=actor, children=len(person_ids), seconds=seconds
        )
        ReturnPart.objects.bulk_create(
            ReturnPart(
                produced=produced, name=name, content=content, sha256=hashlib.sha256(content).hexdigest()
            )
            for name, content in sorted(files.items())
        )
        # Every child named in the return is a read of their record for this purpose (R27).
        record_event(actor=actor, verb=Verb.EXPORT, target=produced, section=str(kind), result_ids=person_ids)
    return produced
