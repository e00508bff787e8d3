"""Early help through the front door (ADR 0007, decision 6; issue 9, items 1 and 5).

Early help and children's social care are siblings that never import each other (HOUSE.md), so
the front door is where a family moves between them:

- a MASH decision of "early help" leaves a handover that the early help team picks up by opening
  an episode (`handover_accept_as_episode`), in one transaction like `handover_accept_as_referral`;
- a family that needs more is stepped up (`step_up`) by a front-door contact whose narrative
  carries the early help history, so the MASH reads the family's story once and the family does
  not tell it again; the step completes when the MASH decision on that contact is authorised
  (`step_up_complete`, called from `decision._authorise`);
- a social worker asks for a step-down from a referral (`step_down_request`) and the early help
  team accepts it by opening an episode (`step_down_accept`).

Each move is a `Step` row, so how long the other service took to take the family on can be
reported. The step-up contact's text is built in `early_help_history.py`; the step-down services
are in `early_help_step_down.py` and re-exported here.
"""

from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.early_help.constants import EpisodeSource, MemberRole, StepDirection
from safehub.early_help.models import EarlyHelpEpisode, Step
from safehub.early_help.policies import episode_policy
from safehub.early_help.services.episodes import episode_open
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..clocks import Clocks, contact_refresh_clocks
from ..constants import (
    CHILD_ROLES,
    Channel,
    ConcernCategory,
    ConsentStatus,
    HandoverService,
    HandoverStatus,
    LawfulBasis,
    SubjectRole,
)
from ..models import Contact, ContactConcern, ContactSubject, Decision, Handover
from ..selectors.early_help import may_manage_early_help
from ..selectors.handovers import may_pick_up
from ._details import described
from .contact import SUMMARY_MAX, next_reference
from .early_help_history import episode_history
from .early_help_step_down import step_down_accept, step_down_request
from .handover import HandoverAlreadyPickedUp, handover_pick_up
from .handover_intake import HIDDEN_CHILD, handover_hidden_people
from .intake import intake_alerts_raise

# The step-down services live beside this module; they are importable from here too, where the
# ADR names them.
__all__ = [
    "handover_accept_as_episode",
    "step_down_accept",
    "step_down_request",
    "step_up",
    "step_up_complete",
]

# The CIN census referral source for a referral from the council's own early help (code 5D).
STEP_UP_REFERRAL_SOURCE = "5D"
# Its own channel, so the MASH queue and the dashboard tell step-ups from other contacts.
STEP_UP_CHANNEL = Channel.EARLY_HELP

HISTORY_CUT = "\n[The early help history continues on the family's early help episode.]"


def _within_limit(summary: str) -> str:
    """A long episode's history is cut to the contact's limit, saying where the rest is, rather
    than refusing the step-up: a family that needs more help must never wait on a text limit."""
    if len(summary) <= SUMMARY_MAX:
        return summary
    return summary[: SUMMARY_MAX - len(HISTORY_CUT)] + HISTORY_CUT


STEP_UP_HEADING = "Why early help is stepping the family up:"
STEP_UP_WAITING = (
    "This family's step-up to the front door is still waiting for a MASH decision "
    "(contact {reference}): add to that contact instead."
)

_SUBJECT_ROLE: dict[str, str] = {
    MemberRole.PARENT_CARER: SubjectRole.PARENT_CARER,
    MemberRole.OTHER_ADULT: SubjectRole.OTHER_ADULT,
}


# --- a MASH handover becomes an episode ---------------------------------------------------------


def handover_accept_as_episode(
    *,
    actor: Any,
    handover: Handover,
    team: Any,
    family_name: str,
    reason: str,
    worker: Any = None,
    adults: Sequence[Any] = (),
    lead_professional: Any = None,
) -> EarlyHelpEpisode:
    """Open an early help episode for the children on an early-help handover's contact and pick
    the handover up quoting the episode's id, in one transaction (R50).

    The episode comes from the front door (source FRONT_DOOR, the contact's reference) and is led
    by the team's organisation. Anyone who may not pick up early help handovers, or may not open
    episodes, gets the answer for a missing handover (R18). A child who is not linked to the
    person index, or whose record the actor may not open, stops the intake before anything is
    written; a hidden child is never named (R22). A handover someone else took first raises
    `HandoverAlreadyPickedUp`.
    """
    if (
        handover.service != HandoverService.EARLY_HELP
        or not may_pick_up(actor, handover.service)
        or not may_manage_early_help(actor)
    ):
        raise NotFoundOrForbidden()
    with transaction.atomic():
        # Held while the episode is opened, so a second practitioner waits and then sees it
        # picked up, instead of both opening an episode for the same family.
        current = Handover.objects.select_for_update().select_related("contact").get(pk=handover.pk)
        if current.status == HandoverStatus.PICKED_UP:
            raise HandoverAlreadyPickedUp(current)
        subjects = list(
            ContactSubject.objects.filter(contact=current.contact, role__in=CHILD_ROLES)
            .select_related("person")
            .order_by("created_at")
        )
        _check_children(subjects, handover_hidden_people(actor, subjects))
        children: list[Person] = [s.person for s in subjects if s.person is not None]
        try:
            episode = episode_open(
                actor=actor,
                family_name=family_name,
                source=EpisodeSource.FRONT_DOOR,
                reason=reason,
                opened_on=clock.today(),
                team=team,
                organisation=team.agency if team is not None else None,
                children=children,
                adults=adults,
                lead_professional=lead_professional,
                worker=worker,
                source_reference=current.contact.reference,
            )
        except NotFoundOrForbidden:
            # A child restricted since the check above: the same refusal, naming no one (R22).
            # An adult the caller named and may not open answers 404, as everywhere.
            if handover_hidden_people(actor, subjects):
                raise ValidationError({"__all__": [HIDDEN_CHILD]}) from None
            raise
        handover_pick_up(actor=actor, handover=current, receiving_reference=str(episode.pk))
    return episode


def _check_children(subjects: list[ContactSubject], hidden: Collection[Any]) -> None:
    """Every child is linked to the person index and the actor may open each child's record.

    All the problems are reported at once. A child the actor may not open is never named nor
    said to exist: one generic message stands for all of them (R22, T5).
    """
    if not subjects:
        raise ValidationError(
            {"__all__": ["The contact names no child: ask the MASH to add the child to the contact."]}
        )
    messages = [
        f"{s.described_name} is not linked to a record in the person index: ask the MASH to link them."
        for s in subjects
        if s.person_id is None
    ]
    if any(s.person_id in hidden for s in subjects if s.person_id is not None):
        messages.append(HIDDEN_CHILD)
    if messages:
        raise ValidationError({"__all__": messages})


# --- step-up: early help to the front door ------------------------------------------------------


def step_up(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    reason: str,
    concerns: Sequence[str],
    consent: str,
    consent_reason: str = "",
    lawful_basis: str = LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
) -> Contact:
    """Step the family up: record a front-door contact about every member of the episode, whose
    narrative is `reason` followed by the early help history, and a waiting UP `Step`.

    `consent` is whether the family was asked about the step-up (ConsentStatus), with the reason
    when it was refused or not sought: consent to early help is not consent to a referral, and a
    safeguarding worry goes ahead without it. The actor needs `manage` on the episode; anyone
    else gets NotFoundOrForbidden (R18, R19). A closed episode, or one whose earlier step-up is
    still waiting for a MASH decision, is refused.

    The contact is recorded here rather than through `contact_create`, which only MASH staff and
    referrers may call: the people are the episode's members, already linked to the index and
    open to the actor through the episode, so there is nothing to match.
    """
    episode_policy.check(actor, "manage", episode)
    reason = reason.strip()
    errors = _step_up_errors(reason, concerns, consent, consent_reason, lawful_basis)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked so that two practitioners pressing "step up" at once make one contact, not two.
        locked = EarlyHelpEpisode.objects.select_for_update().get(pk=episode.pk)
        if not locked.is_open:
            raise ValidationError(
                {"__all__": [f"Early help for {locked.family_name} has ended: a new worry is a new contact."]}
            )
        waiting = Step.objects.filter(
            episode=locked, direction=StepDirection.UP, completed_on__isnull=True
        ).first()
        if waiting is not None:
            raise ValidationError({"__all__": [STEP_UP_WAITING.format(reference=waiting.other_reference)]})
        summary = _within_limit(f"{STEP_UP_HEADING}\n{reason}\n\n{episode_history(locked)}")
        contact = _record_step_up_contact(
            actor=actor,
            episode=locked,
            summary=summary,
            concerns=concerns,
            consent=consent,
            consent_reason=consent_reason.strip(),
            lawful_basis=lawful_basis,
        )
        members = list(locked.members.filter(role=MemberRole.CHILD).order_by("created_at"))
        step = Step(
            direction=StepDirection.UP,
            episode=locked,
            person_id=members[0].person_id,
            requested_on=clock.today(),
            reason=reason,
            other_reference=contact.reference,
            requested_by=actor,
        )
        step.full_clean()
        step.save()
        record_event(actor=actor, verb=Verb.CREATE, target=step, section="step_up")
    return contact


def _step_up_errors(
    reason: str, concerns: Sequence[str], consent: str, consent_reason: str, lawful_basis: str
) -> dict[str, list[str]]:
    """The same checks `contact_create` applies to what the practitioner typed, keyed by field."""
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why the family needs more than early help now."]
    elif len(reason) > SUMMARY_MAX // 2:
        # Half the contact's limit: the other half is the early help history.
        errors["reason"] = [f"Use at most {SUMMARY_MAX // 2:,} characters."]
    if not concerns or any(c not in ConcernCategory.values for c in concerns):
        errors["concerns"] = ["Choose at least one category of concern."]
    if consent not in ConsentStatus.values:
        errors["consent"] = ["Say whether the family was asked about the step-up and agreed."]
    elif consent != ConsentStatus.GIVEN and not consent_reason.strip():
        errors["consent_reason"] = [
            "Say why consent was refused or not sought, and why the step-up goes ahead."
        ]
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = ["Choose the lawful basis for processing."]
    return errors


def _record_step_up_contact(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    summary: str,
    concerns: Sequence[str],
    consent: str,
    consent_reason: str,
    lawful_basis: str,
) -> Contact:
    """The contact as `contact_create` would record it for MASH staff: its clocks started, its
    people linked (the children first, as the handover reads them), the intake alerts raised."""
    now = clock.now()
    contact = Contact(
        reference=next_reference(now),
        received_at=now,
        channel=STEP_UP_CHANNEL,
        recorded_by=actor,
        referrer_name=actor.full_name,
        referrer_agency=actor.agency,
        referrer_role=actor.job_title or actor.get_role_display(),
        referrer_email=actor.email,
        referral_source=STEP_UP_REFERRAL_SOURCE,
        summary=summary,
        consent=consent,
        consent_reason=consent_reason,
        lawful_basis=lawful_basis,
        updated_by=actor,
    )
    contact_refresh_clocks(contact, Clocks())
    contact.full_clean()
    contact.save()
    ContactConcern.objects.bulk_create(
        [ContactConcern(contact=contact, category=c) for c in sorted(set(concerns))]
    )
    members = sorted(
        episode.members.select_related("person"),
        key=lambda m: (m.role != MemberRole.CHILD, m.created_at),
    )
    ContactSubject.objects.bulk_create(
        [
            ContactSubject(
                contact=contact,
                role=_subject_role(m.role, m.person),
                details=described(m.person),
                person=m.person,
                matched_by=actor,
                matched_at=now,
            )
            for m in members
        ]
    )
    record_event(actor=actor, verb=Verb.CREATE, target=contact, section="step_up")
    intake_alerts_raise(actor=actor, contact=contact)
    return contact


def _subject_role(role: str, person: Person) -> str:
    if role == MemberRole.CHILD:
        unborn = person.date_of_birth is None and person.expected_date_of_birth is not None
        return SubjectRole.UNBORN_CHILD if unborn else SubjectRole.CHILD
    return _SUBJECT_ROLE.get(role, SubjectRole.OTHER_ADULT)


def step_up_complete(*, actor: Any, decision: Decision) -> Step | None:
    """Complete the waiting step-up whose contact this decision decides, on the day it was
    authorised; return the step, or None if the contact is not a step-up.

    Called only from `decision._authorise`, inside its transaction, so the step completes
    exactly when the decision does (and not if the authorisation fails).
    """
    step = (
        Step.objects.select_for_update()
        .filter(
            direction=StepDirection.UP,
            completed_on__isnull=True,
            other_reference=decision.contact.reference,
        )
        .first()
    )
    if step is None:
        return None
    authorised_at = decision.authorised_at or clock.now()
    step.completed_on = timezone.localdate(authorised_at)
    step.full_clean()
    step.save()
    record_event(actor=actor, verb=Verb.UPDATE, target=step, section="step_up_complete")
    return step
