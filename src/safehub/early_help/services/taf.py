"""The Team Around the Family: members from several agencies and their meetings (issue 9, item 3).

A member with a Safehub account sees the episode while a member and only then (ADR 0007 §2): the
day they leave, the family is gone from their lists. A member without an account (a youth worker
at a small charity) is on the record by name, so actions can still be theirs.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..clocks import episode_clocks_sync
from ..constants import ActionStatus, Attendance, Clock, MeetingKind, TafRole
from ..models import EarlyHelpEpisode, MeetingAttendance, TafMeeting, TafMember
from ..policies import episode_policy
from ._rules import Errors, _d, add, check_episode_date, check_member_of, check_open
from .actions import NewAction, check_new_action, create_action

__all__ = [
    "NewAction",
    "lead_professional_change",
    "meeting_record",
    "taf_member_add",
    "taf_member_leave",
]


def taf_member_add(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    agency: Agency | None,
    role: str = TafRole.MEMBER,
    user: Any = None,
    name: str = "",
    job_title: str = "",
    joined_on: date | None = None,
) -> TafMember:
    """Add a professional to the team. With a `user`, the name comes from their account, which must
    be active; a partner professional added this way can see the episode from now on."""
    episode_policy.check(actor, "record", episode)
    joined_on = joined_on or clock.today()
    errors: Errors = {}
    check_open(errors, episode)
    if agency is None:
        add(errors, "agency", "Choose the member's organisation.")
    if role not in TafRole.values:
        add(errors, "role", "Choose the member's role in the team.")
    elif (
        role == TafRole.LEAD_PROFESSIONAL
        and episode.taf_members.filter(role=TafRole.LEAD_PROFESSIONAL, left_on__isnull=True).exists()
    ):
        add(
            errors,
            "role",
            "The family already has a lead professional: change the lead professional instead.",
        )
    if user is not None:
        if not user.is_active:
            add(errors, "user", f"{user.full_name}'s account is not active: they cannot join the team.")
        elif episode.taf_members.filter(user=user, left_on__isnull=True).exists():
            add(errors, "user", f"{user.full_name} is already in the team.")
        name = name.strip() or user.full_name
    if not name.strip():
        add(errors, "name", "Enter the member's name.")
    check_episode_date(errors, episode, "joined_on", joined_on, label="date they joined")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = TafMember(
            episode=episode,
            user=user,
            name=name.strip(),
            agency=agency,
            job_title=job_title.strip(),
            role=role,
            joined_on=joined_on,
        )
        member.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            raise ValidationError({"user": ["They were added to the team just now."]}) from None
        if role == TafRole.LEAD_PROFESSIONAL:
            _set_lead(actor, episode, member)
        record_event(actor=actor, verb=Verb.CREATE, target=member, section="taf_member", reason=role)
    return member


def _set_lead(actor: Any, episode: EarlyHelpEpisode, member: TafMember) -> None:
    episode.lead_professional = member.user
    episode.organisation = member.agency
    save_versioned(episode, expected_version=episode.version, actor=actor)


def taf_member_leave(*, actor: Any, member: TafMember, left_on: date | None = None) -> TafMember:
    """A member leaves the team; a member with an account loses sight of the family the same day.

    The lead professional is changed first, and a member's open actions go to someone else, so
    that the family always has a lead and every action an owner.
    """
    episode = member.episode
    episode_policy.check(actor, "record", episode)
    left_on = left_on or clock.today()
    errors: Errors = {}
    check_open(errors, episode)
    if member.left_on is not None:
        add(errors, "__all__", f"{member.name} already left the team on {_d(member.left_on)}.")
        raise ValidationError(errors)
    if member.role == TafRole.LEAD_PROFESSIONAL:
        add(
            errors,
            "__all__",
            f"{member.name} is the lead professional: choose a new lead professional first.",
        )
    owned = member.actions.filter(status=ActionStatus.OPEN).count()
    if owned:
        add(
            errors,
            "__all__",
            f"{member.name} owns {owned} open action{'s' if owned != 1 else ''}: "
            "give them to another member, or close them, first.",
        )
    check_episode_date(errors, episode, "left_on", left_on, label="date they left")
    if left_on is not None and left_on < member.joined_on:
        add(errors, "left_on", f"They cannot leave before they joined on {_d(member.joined_on)}.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member.left_on = left_on
        member.full_clean()
        member.save(update_fields=["left_on", "updated_at"])
        record_event(actor=actor, verb=Verb.UPDATE, target=member, section="taf_member", reason="left")
    return member


def lead_professional_change(*, actor: Any, episode: EarlyHelpEpisode, member: TafMember) -> EarlyHelpEpisode:
    """Make a current member the lead professional; the old lead stays in the team as a member.
    The episode's lead professional and organisation follow."""
    episode_policy.check(actor, "manage", episode)
    errors: Errors = {}
    check_open(errors, episode)
    check_member_of(errors, episode, "member", member, label="new lead professional")
    if member.role == TafRole.LEAD_PROFESSIONAL:
        add(errors, "member", f"{member.name} is already the lead professional.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The old lead steps down first: one lead professional at a time (a database constraint).
        old = episode.taf_members.filter(role=TafRole.LEAD_PROFESSIONAL, left_on__isnull=True).first()
        if old is not None:
            old.role = TafRole.MEMBER
            old.save(update_fields=["role", "updated_at"])
        member.role = TafRole.LEAD_PROFESSIONAL
        member.save(update_fields=["role", "updated_at"])
        _set_lead(actor, episode, member)
        record_event(actor=actor, verb=Verb.UPDATE, target=episode, section="lead_professional")
    return episode


def _check_attendance(
    errors: Errors, episode: EarlyHelpEpisode, attendance: Mapping[Any, str]
) -> dict[Any, TafMember]:
    ids = [str(key) for key in attendance]
    members = {str(m.pk): m for m in episode.taf_members.filter(pk__in=ids)}
    for key, value in attendance.items():
        if str(key) not in members:
            add(errors, "attendance", "Only members of this family's team can be recorded at its meeting.")
            break
        if value not in Attendance.values:
            add(errors, "attendance", f"Say whether {members[str(key)].name} attended.")
    return members


def meeting_record(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    kind: str,
    held_on: date,
    attendance: Mapping[Any, str],
    family_attended: bool,
    notes: str = "",
    actions: Iterable[NewAction] = (),
) -> TafMeeting:
    """Record a TAF meeting, who came and the actions agreed (each with an owner and a due date).

    The first TAF meeting (kind `initial`) satisfies the first-meeting clock; it is held once.
    """
    episode_policy.check(actor, "record", episode)
    actions = list(actions)
    errors: Errors = {}
    check_open(errors, episode)
    if kind not in MeetingKind.values:
        add(errors, "kind", "Choose the kind of meeting.")
    elif kind == MeetingKind.INITIAL:
        first = episode.meetings.filter(kind=MeetingKind.INITIAL).first()
        if first is not None:
            add(errors, "kind", f"The first TAF meeting was held on {_d(first.held_on)}: this is a review.")
    check_episode_date(errors, episode, "held_on", held_on, label="date of the meeting")
    members = _check_attendance(errors, episode, attendance)
    checked = [
        check_new_action(errors, episode, action, number=n if len(actions) > 1 else None, not_before=held_on)
        for n, action in enumerate(actions, start=1)
    ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = TafMeeting(
            episode=episode,
            kind=kind,
            held_on=held_on,
            family_attended=bool(family_attended),
            notes=notes.strip(),
            recorded_by=actor,
        )
        meeting.full_clean()
        meeting.save()
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(meeting=meeting, member=members[str(key)], attendance=value)
            for key, value in attendance.items()
        )
        for action, (owner, goal) in zip(actions, checked, strict=True):
            assert owner is not None
            create_action(
                actor=actor, episode=episode, action=action, owner=owner, goal=goal, meeting=meeting
            )
        record_event(actor=actor, verb=Verb.CREATE, target=meeting, section="taf_meeting", reason=kind)
        done = {Clock.FIRST_TAF.value: held_on} if kind == MeetingKind.INITIAL else None
        episode_clocks_sync(episode, done=done, done_by=actor)
    return meeting
