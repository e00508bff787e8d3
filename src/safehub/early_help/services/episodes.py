"""Opening, adding to and closing an early help episode (issue 9, item 1; ADR 0007 §1).

The episode is the family's; each child in it gets a casework involvement (service early help)
so that early help shows on the child's record, in My tasks and in caseloads like any other
service. The family's clocks sit on the first child's involvement only.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from safehub.accounts.models import Agency, Team, TeamMembership
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.policies import person_open
from safehub.casework.services.involvement import (
    allocation_change,
    involvement_close,
    involvement_open,
    involvement_update,
)
from safehub.casework.timescales import add_months
from safehub.people.models import Person
from safehub.people.services.birth import is_unborn
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.locking import save_versioned

from ..clocks import clock_involvement, episode_clocks_sync
from ..constants import ActionStatus, ConsentState, EndReason, EpisodeSource, MemberRole, TafRole
from ..models import EarlyHelpEpisode, EpisodeMember, TafMember
from ..policies import episode_policy
from ._rules import Errors, _d, add, check_open

# A person with their place in the family, or a person (a parent or carer by default).
AdultSpec = Person | tuple[Person, str]

ADULT_AGE_MONTHS = 18 * 12

# The consent row a closure for these reasons stands on: the family's refusal is on the record,
# with what happens next, before the episode can end for it (ADR 0007 §3).
_CONSENT_FOR_REASON = {
    EndReason.CONSENT_WITHDRAWN: ConsentState.WITHDRAWN,
    EndReason.DECLINED: ConsentState.DECLINED,
}


def episode_url(episode: EarlyHelpEpisode) -> str:
    # The web layer is written alongside; until its URL exists the involvement links nowhere.
    try:
        return reverse("early_help:episode", args=[episode.pk])
    except NoReverseMatch:
        return ""


def open_episode_of(person: Person, *, exclude: EarlyHelpEpisode | None = None) -> EarlyHelpEpisode | None:
    """The open episode `person` is a child in, if any."""
    qs = EarlyHelpEpisode.objects.filter(
        closed_on__isnull=True, members__person=person, members__role=MemberRole.CHILD
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _check_child(errors: Errors, person: Person, on: date | None, field: str = "children") -> None:
    """A child is under 18 on the day (or unborn) and in no other open episode (one family's
    support at a time, so two teams never work the same child unknowingly)."""
    if person.merged_into_id is not None:
        add(errors, field, f"{person}'s record was merged into another: choose that record.")
    if on is not None and person.date_of_birth is not None and not is_unborn(person):
        if add_months(person.date_of_birth, ADULT_AGE_MONTHS) <= on:
            add(
                errors,
                field,
                f"{person} was 18 or over on {_d(on)}: early help is for children and families.",
            )
    elif person.date_of_birth is None and not is_unborn(person):
        add(errors, field, f"Record {person}'s date of birth (or expected date of birth) first.")
    other = open_episode_of(person)
    if other is not None:
        add(
            errors,
            field,
            f"{person} is already in an open early help episode: {other}. "
            "Add the family's work there, or close it first.",
        )


def _check_people_open(actor: Any, people: Iterable[Person]) -> None:
    """Every person must be one the actor may open: a restricted child answers 404, as everywhere."""
    for person in people:
        if not person_open(actor, person.pk):
            raise NotFoundOrForbidden()


def _check_allocation(errors: Errors, team: Team | None, worker: Any) -> None:
    if team is None:
        add(errors, "team", "Choose the early help team.")
        return
    if worker is not None:
        if not worker.is_active:
            add(errors, "worker", f"{worker.full_name} cannot be allocated: their account is not active.")
        elif not TeamMembership.objects.filter(team=team, user=worker).exists():
            add(errors, "worker", f"{worker.full_name} is not a member of {team.name}.")


def _open_child(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    person: Person,
    opened_on: date,
    team: Team | None,
    worker: Any,
) -> EpisodeMember:
    involvement = involvement_open(
        actor=actor,
        person=person,
        service=CaseService.EARLY_HELP,
        level=CaseLevel.EARLY_HELP,
        title=f"Early help: {episode.family_name}"[:200],
        opened_on=opened_on,
        url=episode_url(episode),
    )
    if team is not None:
        # The involvement policy gives early help practitioners `manage` on early help involvements
        # (casework/policies.py), so the first allocation is casework's own service.
        allocation_change(
            actor=actor, involvement=involvement, team=team, worker=worker, started_on=opened_on
        )
    member = EpisodeMember(
        episode=episode,
        person=person,
        role=MemberRole.CHILD,
        involvement=involvement,
        position=_next_position(episode),
    )
    member.full_clean()
    member.save()
    return member


def _next_position(episode: EarlyHelpEpisode) -> int:
    return EpisodeMember.objects.filter(episode=episode).count()


def _adults(adults: Iterable[AdultSpec]) -> list[tuple[Person, str]]:
    return [a if isinstance(a, tuple) else (a, MemberRole.PARENT_CARER) for a in adults]


def episode_open(
    *,
    actor: Any,
    family_name: str,
    source: str,
    reason: str,
    opened_on: date,
    team: Team | None,
    organisation: Agency | None,
    children: Sequence[Person],
    adults: Iterable[AdultSpec] = (),
    lead_professional: Any = None,
    worker: Any = None,
    source_reference: str = "",
    step_down_handover: str = "",
) -> EarlyHelpEpisode:
    """Open a family's early help: its members, one involvement per child allocated to `team` and
    `worker`, the lead professional's TAF membership, and the clocks.

    Refused for a child who is 18 or over on the day, or already in an open episode (one family's
    support at a time). `adults` are people, or (person, MemberRole) pairs.
    """
    episode = EarlyHelpEpisode()
    episode_policy.check(actor, "manage", episode)
    adult_rows = _adults(adults)
    _check_people_open(actor, [*children, *(p for p, _ in adult_rows)])
    errors: Errors = {}
    if not family_name.strip():
        add(errors, "family_name", 'Enter how the team refers to the family, for example "the Ahmed family".')
    if source not in EpisodeSource.values:
        add(errors, "source", "Choose how the family came to early help.")
    if not reason.strip():
        add(errors, "reason", "Say why the family needs early help.")
    if source == EpisodeSource.STEP_DOWN and not step_down_handover.strip():
        add(errors, "step_down_handover", "A step-down carries the social worker's handover: enter it.")
    if opened_on is None:
        add(errors, "opened_on", "Enter the date early help started.")
    elif opened_on > clock.today():
        add(errors, "opened_on", "The date early help started cannot be in the future.")
    if organisation is None:
        add(errors, "organisation", "Choose the lead professional's organisation.")
    _check_allocation(errors, team, worker)
    if lead_professional is not None and not lead_professional.is_active:
        add(errors, "lead_professional", f"{lead_professional.full_name}'s account is not active.")
    if not children:
        add(errors, "children", "Add at least one child: early help is support for a family with children.")
    seen: set[Any] = set()
    for person in [*children, *(p for p, _ in adult_rows)]:
        if person.pk in seen:
            add(errors, "adults", f"{person} is listed twice: add each person once.")
        seen.add(person.pk)
    for person, role in adult_rows:
        if role not in (MemberRole.PARENT_CARER, MemberRole.OTHER_ADULT):
            add(errors, "adults", f"Choose whether {person} is a parent or carer or another adult.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the children so two practitioners cannot open two episodes for one child at once.
        list(Person.objects.select_for_update().filter(pk__in=[c.pk for c in children]))
        for child in children:
            _check_child(errors, child, opened_on)
        if errors:
            raise ValidationError(errors)
        assert organisation is not None
        episode.family_name = family_name.strip()
        episode.source = source
        episode.source_reference = source_reference.strip()
        episode.reason = reason.strip()
        episode.opened_on = opened_on
        episode.team = team  # type: ignore[assignment]
        episode.organisation = organisation
        episode.lead_professional = lead_professional
        episode.step_down_handover = step_down_handover.strip()
        episode.recorded_by = actor
        episode.updated_by = actor
        episode.full_clean()
        episode.save()
        for child in children:
            _open_child(
                actor=actor, episode=episode, person=child, opened_on=opened_on, team=team, worker=worker
            )
        for person, role in adult_rows:
            EpisodeMember.objects.create(
                episode=episode, person=person, role=role, position=_next_position(episode)
            )
        if lead_professional is not None:
            TafMember.objects.create(
                episode=episode,
                user=lead_professional,
                name=lead_professional.full_name,
                agency=organisation,
                job_title=getattr(lead_professional, "job_title", "") or "",
                role=TafRole.LEAD_PROFESSIONAL,
                joined_on=opened_on,
            )
        record_event(actor=actor, verb=Verb.CREATE, target=episode, section="episode", reason=source)
        episode_clocks_sync(episode)
    return episode


def episode_member_add(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    person: Person,
    role: str,
    joined_on: date | None = None,
) -> EpisodeMember:
    """Add a child or adult to the family. A child gets their own involvement, allocated as the
    family's first child is, from `joined_on` (today by default)."""
    episode_policy.check(actor, "manage", episode)
    _check_people_open(actor, [person])
    joined_on = joined_on or clock.today()
    errors: Errors = {}
    check_open(errors, episode)
    if role not in MemberRole.values:
        add(errors, "role", "Choose the person's place in the family.")
    if episode.members.filter(person=person).exists():
        add(errors, "person", f"{person} is already in this family's early help.")
    if joined_on > clock.today():
        add(errors, "joined_on", "The date cannot be in the future.")
    elif joined_on < episode.opened_on:
        add(errors, "joined_on", f"The date cannot be before early help started on {_d(episode.opened_on)}.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if role == MemberRole.CHILD:
            Person.objects.select_for_update().filter(pk=person.pk).first()
            _check_child(errors, person, joined_on, field="person")
            if errors:
                raise ValidationError(errors)
            first = clock_involvement(episode)
            team = first.team if first is not None else episode.team
            worker = first.worker if first is not None else None
            member = _open_child(
                actor=actor, episode=episode, person=person, opened_on=joined_on, team=team, worker=worker
            )
        else:
            member = EpisodeMember(
                episode=episode, person=person, role=role, position=_next_position(episode)
            )
            member.full_clean()
            member.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=episode, section="members", reason=role)
    return member


def _check_end_reason(errors: Errors, episode: EarlyHelpEpisode, end_reason: str) -> None:
    if end_reason not in EndReason.values:
        add(errors, "end_reason", "Choose why early help is ending.")
        return
    needed = _CONSENT_FOR_REASON.get(EndReason(end_reason))
    if needed is None:
        return
    latest = episode.consents.order_by("-recorded_on", "-created_at").first()
    if latest is None or latest.state != needed:
        add(
            errors,
            "end_reason",
            f"Record that the family's consent was {ConsentState(needed).label.split()[-1].lower()}, "
            "with what happens next, before closing early help for that reason.",
        )


def episode_close(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    expected_version: int,
    closed_on: date,
    end_reason: str,
    summary: str = "",
) -> EarlyHelpEpisode:
    """End the family's early help: close every child's involvement (ending the allocation and
    cancelling the clocks), drop the actions still open and end the TAF memberships, so partners
    stop seeing the family the day it closes."""
    episode_policy.check(actor, "manage", episode)
    errors: Errors = {}
    if episode.closed_on is not None:
        add(
            errors,
            "__all__",
            f"Early help for {episode.family_name} already ended on {_d(episode.closed_on)}.",
        )
        raise ValidationError(errors)
    if closed_on is None:
        add(errors, "closed_on", "Enter the date early help ended.")
    elif closed_on > clock.today():
        add(errors, "closed_on", "The date early help ended cannot be in the future.")
    elif closed_on < episode.opened_on:
        add(errors, "closed_on", f"Early help cannot end before it started on {_d(episode.opened_on)}.")
    _check_end_reason(errors, episode, end_reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        episode.closed_on = closed_on
        episode.end_reason = end_reason
        episode.closure_summary = summary.strip()
        save_versioned(episode, expected_version=expected_version, actor=actor)
        for member in episode.members.filter(involvement__isnull=False).select_related("involvement"):
            involvement = member.involvement
            assert involvement is not None
            if involvement.closed_on is None:
                involvement_close(
                    actor=actor,
                    involvement=involvement,
                    closed_on=max(closed_on, involvement.opened_on),
                    reason="Early help ended.",
                )
            involvement_update(involvement=involvement, url=episode_url(episode))
        for action in episode.actions.filter(status=ActionStatus.OPEN):
            action.status = ActionStatus.DROPPED
            action.completed_on = closed_on
            action.version += 1
            action.updated_by = actor
            action.save()
        for taf in episode.taf_members.filter(left_on__isnull=True):
            taf.left_on = max(closed_on, taf.joined_on)
            taf.save(update_fields=["left_on", "updated_at"])
        record_event(actor=actor, verb=Verb.UPDATE, target=episode, section="closure", reason=end_reason)
        episode_clocks_sync(episode, cancel_reason="Early help ended.")
    return episode
