"""Step-down from children's social care to early help, through the front door (ADR 0007,
decision 6; issue 9, item 5).

A social worker asks (`step_down_request`) from the child's referral, writing the handover; the
early help team accepts (`step_down_accept`) by opening an episode that carries the handover.
The `Step` row keeps both dates, so how long a stepped-down child waited can be reported. Until
it is accepted the step has no episode and names the child (`Step.person`).
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_open
from safehub.child_protection.models import Referral
from safehub.child_protection.policies import referral_policy
from safehub.early_help.constants import EpisodeSource, StepDirection
from safehub.early_help.models import EarlyHelpEpisode, Step
from safehub.early_help.services.episodes import episode_open
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..selectors.early_help import may_manage_early_help

STEP_DOWN_WAITING = "A step-down from this referral is already waiting for the early help team."
STEP_DOWN_TAKEN = "This step-down has already been accepted."


def step_down_request(
    *, actor: Any, referral: Referral, reason: str, requested_on: date | None = None
) -> Step:
    """A social worker asks early help to take the child on from `referral`.

    `reason` is the social worker's handover: what the family needs, what worked, what the
    worries are. The actor needs `manage` on the referral (R18, R19). A referral whose earlier
    step-down is still waiting is refused.
    """
    referral_policy.check(actor, "manage", referral)
    reason = reason.strip()
    requested_on = requested_on or clock.today()
    if not reason:
        raise ValidationError(
            {"reason": ["Write the handover: what the family needs, what worked and what still worries you."]}
        )
    if requested_on > clock.today() or requested_on < referral.referral_date:
        raise ValidationError(
            {
                "requested_on": [
                    f"Choose a date from the referral ({referral.referral_date:%-d %B %Y}) to today."
                ]
            }
        )
    with transaction.atomic():
        # The referral's row is the lock that makes "one waiting step-down per referral" hold
        # when two people ask at once.
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if Step.objects.filter(
            direction=StepDirection.DOWN, other_reference=str(locked.pk), completed_on__isnull=True
        ).exists():
            raise ValidationError({"__all__": [STEP_DOWN_WAITING]})
        step = Step(
            direction=StepDirection.DOWN,
            episode=None,
            person_id=locked.person_id,
            requested_on=requested_on,
            reason=reason,
            other_reference=str(locked.pk),
            requested_by=actor,
        )
        step.full_clean()
        step.save()
        record_event(actor=actor, verb=Verb.CREATE, target=step, section="step_down")
    return step


def step_down_accept(
    *,
    actor: Any,
    step: Step,
    team: Any,
    family_name: str,
    worker: Any = None,
    adults: Sequence[Any] = (),
    lead_professional: Any = None,
    reason: str = "",
    opened_on: date | None = None,
) -> EarlyHelpEpisode:
    """The early help team takes a stepped-down child on: an episode (source STEP_DOWN, quoting
    the referral) with the social worker's handover, and the step completed on the day it opens
    (today unless `opened_on` says when, for a record entered late), in one transaction (R50).

    `reason` is why the family needs early help; the handover is used when it is left blank.
    Only early help managers may accept (MANAGE_EARLY_HELP), and only for a child whose record
    they may open; anyone else gets the answer for a missing step (R18, R22).
    """
    if (
        step.direction != StepDirection.DOWN
        or not may_manage_early_help(actor)
        or not person_open(actor, step.person_id)
    ):
        raise NotFoundOrForbidden()
    opened_on = opened_on or clock.today()
    with transaction.atomic():
        current = Step.objects.select_for_update().select_related("person").get(pk=step.pk)
        if current.completed_on is not None:
            raise ValidationError({"__all__": [STEP_DOWN_TAKEN]})
        if opened_on < current.requested_on:
            raise ValidationError(
                {
                    "opened_on": [
                        f"The step-down was asked for on {current.requested_on:%-d %B %Y}: open it then or later."
                    ]
                }
            )
        episode = episode_open(
            actor=actor,
            family_name=family_name,
            source=EpisodeSource.STEP_DOWN,
            reason=reason.strip() or current.reason,
            opened_on=opened_on,
            team=team,
            organisation=team.agency if team is not None else None,
            children=[current.person],
            adults=adults,
            lead_professional=lead_professional,
            worker=worker,
            source_reference=current.other_reference,
            step_down_handover=current.reason,
        )
        current.episode = episode
        current.completed_on = opened_on
        current.full_clean()
        current.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="step_down_accept")
    for name in ("episode", "episode_id", "completed_on", "updated_at"):
        setattr(step, name, getattr(current, name))
    return episode
