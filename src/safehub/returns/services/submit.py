"""Mark a produced return as the one sent to the DfE (ADR 0006, decision 6).

The submitted 903 is what next year's cross-year rules compare against, so marking it is an
audited change of state, made only by someone who prepares returns.
"""

from typing import Any

from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services.record import record_event
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..models import ProducedReturn


class AlreadySubmitted(Exception):
    """The return was already marked submitted (the first mark is kept)."""


def return_mark_submitted(produced: ProducedReturn, actor: Any) -> ProducedReturn:
    """Record that `produced` was submitted, now, by `actor`; in one transaction with its audit event.

    A later production of the same year can be marked too (a resubmission): the latest mark is the
    one the next year reads.
    """
    if actor is None or not actor.has_capability(Capability.PREPARE_RETURNS):
        raise PermissionRefused(f"Marking a return submitted needs '{Capability.PREPARE_RETURNS.label}'.")
    with transaction.atomic():
        current = ProducedReturn.objects.select_for_update().get(pk=produced.pk)
        if current.submitted_at is not None:
            raise AlreadySubmitted(
                f"This return was already marked submitted on {current.submitted_at:%d %B %Y at %H:%M}."
            )
        current.submitted_at = clock.now()
        current.submitted_by = actor
        current.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="return_submitted")
    produced.submitted_at, produced.submitted_by = current.submitted_at, current.submitted_by
    return current
