"""Reads for the early help team's front-door inbox (ADR 0007, decision 6).

The early help handovers a MASH decision leaves are read with `handovers.handovers_waiting(
service=HandoverService.EARLY_HELP)`: only early help practitioners may pick them up, and that
role manages episodes. Step-downs from children's social care are read here. A step-down names a
child before any episode exists, so it is scoped by the capability to open episodes and by the
child's record: a child the reader may not open is left out, as from every other list (R19, R22).
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_hidden
from safehub.early_help.constants import StepDirection
from safehub.early_help.models import Step
from safehub.platform.errors import NotFoundOrForbidden


def may_manage_early_help(actor: Any) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.has_capability(Capability.MANAGE_EARLY_HELP)
    )


def _step_downs(actor: Any) -> QuerySet[Step]:
    if not may_manage_early_help(actor):
        return Step.objects.none()
    return (
        Step.objects.filter(direction=StepDirection.DOWN)
        .exclude(person_id__in=person_hidden(actor))
        .select_related("person", "requested_by", "episode")
    )


def step_downs_waiting(*, actor: Any) -> list[Step]:
    """The step-downs no one has accepted yet, oldest first; empty for anyone who may not accept
    them (the inbox's honest "nothing for you"). The read is audited."""
    steps = list(_step_downs(actor).filter(completed_on__isnull=True).order_by("requested_on", "created_at"))
    if may_manage_early_help(actor):
        record_event(
            actor=actor,
            verb=Verb.LIST,
            object_type=Step._meta.label_lower,
            section="step_down",
            result_ids=[s.pk for s in steps],
        )
    return steps


def step_down_get(*, actor: Any, id: uuid.UUID | str) -> Step:
    """One step-down, for someone who may accept it; NotFoundOrForbidden otherwise."""
    step = _step_downs(actor).filter(pk=id).first()
    if step is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=step)
    return step
