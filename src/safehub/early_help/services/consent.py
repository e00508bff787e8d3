"""Consent to the early help offer, kept as a log (ADR 0007 §3; issue 9, item 2).

Early help is consensual. Rows are never edited: the latest is the state. A refusal or a
withdrawal says what happens next, because that is when a practitioner decides whether the worry
is now a safeguarding concern (a step-up to the front door) or the episode closes.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person

from ..constants import ConsentState
from ..models import Consent, EarlyHelpEpisode
from ..policies import episode_policy
from ._rules import Errors, _d, add, check_episode_date, check_open


def consent_latest(episode: EarlyHelpEpisode) -> Consent | None:
    """The family's consent as it stands: the latest row."""
    return episode.consents.order_by("-recorded_on", "-created_at").first()


def consent_record(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    state: str,
    recorded_on: date,
    given_by: Person | None = None,
    scope: str = "",
    next_steps: str = "",
) -> Consent:
    """Record a change in the family's consent. Declined or withdrawn needs `next_steps`."""
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    if state not in ConsentState.values:
        add(errors, "state", "Choose whether the family gave, declined or withdrew consent.")
    elif state != ConsentState.GIVEN and not next_steps.strip():
        add(
            errors,
            "next_steps",
            "Say what happens now that the family has "
            f"{'declined' if state == ConsentState.DECLINED else 'withdrawn'} consent: "
            "is the worry now a safeguarding concern for the front door, or does early help close?",
        )
    check_episode_date(errors, episode, "recorded_on", recorded_on, label="date of the consent")
    latest = consent_latest(episode)
    if latest is not None and recorded_on is not None and recorded_on < latest.recorded_on:
        add(
            errors,
            "recorded_on",
            f"The last change of consent was recorded on {_d(latest.recorded_on)}: "
            "a later change cannot be dated before it.",
        )
    if given_by is not None and not episode.members.filter(person=given_by).exists():
        add(errors, "given_by", "Choose a member of the family.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = Consent(
            episode=episode,
            state=state,
            given_by=given_by,
            recorded_on=recorded_on,
            scope=scope.strip(),
            next_steps=next_steps.strip(),
            recorded_by=actor,
        )
        consent.full_clean()
        consent.save()
        record_event(actor=actor, verb=Verb.CREATE, target=consent, section="consent", reason=state)
    return consent
