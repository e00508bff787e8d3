"""TAF actions: something a named member will do by a date (ADR 0007 §4; issue 9, items 3 and 4).

An action without an owner is the gap serious case reviews keep finding ("everyone thought someone
else would"), so each is refused without an owner or a due date, with the reason at the field.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..clocks import episode_clocks_sync, episode_plan
from ..constants import ActionStatus, Clock, GoalStatus
from ..models import EarlyHelpEpisode, PlanAction, PlanGoal, TafMeeting, TafMember
from ..policies import episode_policy
from ._rules import Errors, _d, add, check_episode_date, check_open

OWNER_NEEDED = "Every action needs an owner: choose the member of the team around the family who will do it."


@dataclass(frozen=True)
class NewAction:
    """An action as agreed: `owner_id` is a TafMember of the episode; `goal_id` a goal of its plan."""

    description: str
    owner_id: Any
    due_on: date | None
    goal_id: Any = None


def _prefix(number: int | None) -> str:
    return f"Action {number}: " if number is not None else ""


def check_new_action(
    errors: Errors,
    episode: EarlyHelpEpisode,
    action: NewAction,
    *,
    number: int | None = None,
    not_before: date | None = None,
) -> tuple[TafMember | None, PlanGoal | None]:
    """Check one new action; returns its owner and goal when they are found on the episode."""
    prefix = _prefix(number)
    if not action.description.strip():
        add(errors, "description", f"{prefix}Say what will be done.")
    owner = None
    if not action.owner_id:
        add(errors, "owner", f"{prefix}{OWNER_NEEDED}")
    else:
        owner = TafMember.objects.filter(episode=episode, pk=action.owner_id).first()
        if owner is None:
            add(errors, "owner", f"{prefix}The owner must be a member of this family's team.")
        elif owner.left_on is not None:
            add(
                errors,
                "owner",
                f"{prefix}{owner.name} left the team on {_d(owner.left_on)}: choose a current member.",
            )
    if action.due_on is None:
        add(errors, "due_on", f"{prefix}Every action needs a date it is due by.")
    else:
        earliest = not_before or episode.opened_on
        if action.due_on < earliest:
            add(errors, "due_on", f"{prefix}The due date cannot be before {_d(earliest)}.")
    goal = None
    if action.goal_id:
        plan = episode_plan(episode)
        goal = PlanGoal.objects.filter(plan=plan, pk=action.goal_id).first() if plan else None
        if goal is None:
            add(errors, "goal", f"{prefix}Choose a goal from this family's plan.")
        elif goal.status != GoalStatus.OPEN:
            add(errors, "goal", f"{prefix}That goal is no longer being worked on.")
    return owner, goal


def create_action(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    action: NewAction,
    owner: TafMember,
    goal: PlanGoal | None,
    meeting: TafMeeting | None,
) -> PlanAction:
    """Write one checked action and its audit event (inside the caller's transaction)."""
    assert action.due_on is not None
    row = PlanAction(
        episode=episode,
        goal=goal,
        meeting=meeting,
        description=action.description.strip(),
        owner=owner,
        due_on=action.due_on,
        updated_by=actor,
    )
    row.full_clean()
    row.save()
    record_event(actor=actor, verb=Verb.CREATE, target=row, section="taf_action")
    return row


def action_add(
    *,
    actor: Any,
    episode: EarlyHelpEpisode,
    description: str,
    owner: TafMember | None,
    due_on: date | None,
    goal: PlanGoal | None = None,
    meeting: TafMeeting | None = None,
) -> PlanAction:
    """Add an action outside a meeting (or towards a plan goal)."""
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    new = NewAction(description, owner.pk if owner else None, due_on, goal.pk if goal else None)
    found_owner, found_goal = check_new_action(errors, episode, new)
    if meeting is not None and meeting.episode_id != episode.pk:
        add(errors, "meeting", "Choose a meeting of this family's team.")
    if errors:
        raise ValidationError(errors)
    assert found_owner is not None
    with transaction.atomic():
        row = create_action(
            actor=actor, episode=episode, action=new, owner=found_owner, goal=found_goal, meeting=meeting
        )
        episode_clocks_sync(episode)
    return row


def _first_open(episode: EarlyHelpEpisode) -> PlanAction | None:
    return episode.actions.filter(status=ActionStatus.OPEN).order_by("due_on", "created_at").first()


def action_update(
    *,
    actor: Any,
    action: PlanAction,
    expected_version: int,
    status: str,
    progress_note: str = "",
    completed_on: date | None = None,
    owner: TafMember | None = None,
) -> PlanAction:
    """Record progress on an action, mark it done or no longer needed, or hand it to another member.

    Done and dropped need the date; an open action has none. `owner`, when given, must be a current
    member of the team (an action is always someone's).
    """
    episode = action.episode
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    if status not in ActionStatus.values:
        add(errors, "status", "Choose where the action is.")
    elif status == ActionStatus.OPEN:
        completed_on = None
    else:
        check_episode_date(errors, episode, "completed_on", completed_on, label="date it was finished")
    if owner is not None:
        if owner.episode_id != episode.pk:
            add(errors, "owner", "The owner must be a member of this family's team.")
        elif owner.left_on is not None:
            add(
                errors,
                "owner",
                f"{owner.name} left the team on {_d(owner.left_on)}: choose a current member.",
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        first = _first_open(episode)
        finished = action.status == ActionStatus.OPEN and status != ActionStatus.OPEN
        action.status = status
        action.completed_on = completed_on
        action.progress_note = progress_note.strip()
        if owner is not None:
            action.owner = owner
        save_versioned(action, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=action, section="taf_action", reason=status)
        # The action task is about the earliest open action: finishing that one ticks the task off
        # (and the next action, if any, opens its own); any other change just moves it.
        done = None
        if finished and first is not None and first.pk == action.pk and status == ActionStatus.DONE:
            done = {Clock.ACTION.value: completed_on or clock.today()}
        episode_clocks_sync(episode, done=done, done_by=actor, cancel_reason="No TAF actions are open.")
    return action
