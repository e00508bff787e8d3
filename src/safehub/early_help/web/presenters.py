"""How an early help episode reads on screen: the family, consent as it stands and its log, the
team, meetings, actions with an overdue tag, goals with distance travelled, and the clocks.

Everything here is read from an episode the caller already holds through the episode policy
(`selectors.episode_get`): the family's rows are reached only through their episode (R19), and
loaded with a fixed number of queries whatever the size of the family.

Colour never carries meaning alone (WCAG 1.4.1): an overdue action says "overdue by 3 days" as
well as being red.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from safehub.casework.models import Task
from safehub.platform import clock
from safehub.platform.errors import ConflictError

from ..constants import ActionStatus, Clock, ConsentState, GoalStatus, MemberRole, StepDirection
from ..models import (
    Consent,
    EarlyHelpEpisode,
    FamilyPlan,
    MeetingAttendance,
    PlanAction,
    PlanGoal,
    PlanReview,
    TafMeeting,
)
from ..selectors.record import episode_record

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Tag:
    label: str
    css: str


def format_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def conflict_message(error: ConflictError, what: str = "This record") -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {format_date(local.date())}"
    return f"{what} was changed by {who}{when} after you opened it. Check it now, then save again."


def status_tag(episode: EarlyHelpEpisode) -> Tag:
    if episode.closed_on is None:
        return Tag("Open", "govuk-tag--green")
    return Tag(f"Closed {format_date(episode.closed_on)}", "govuk-tag--grey")


def due_tag(due_on: date | None, today: date, *, done: bool = False) -> Tag | None:
    """Red when overdue, yellow within a week, none otherwise: always with the words too."""
    if due_on is None or done:
        return None
    days = (due_on - today).days
    if days < 0:
        return Tag(f"Overdue by {-days} day{'s' if days != -1 else ''}", "govuk-tag--red")
    if days == 0:
        return Tag("Due today", "govuk-tag--yellow")
    if days <= 7:
        return Tag(f"Due in {days} day{'s' if days != 1 else ''}", "govuk-tag--yellow")
    return None


_CONSENT_CLASS = {
    ConsentState.GIVEN: "govuk-tag--green",
    ConsentState.DECLINED: "govuk-tag--red",
    ConsentState.WITHDRAWN: "govuk-tag--red",
}


def consent_tag(consent: Consent | None) -> Tag:
    if consent is None:
        return Tag("Not recorded yet", "govuk-tag--grey")
    return Tag(str(consent.get_state_display()), _CONSENT_CLASS[ConsentState(consent.state)])


@dataclass
class GoalRow:
    goal: PlanGoal
    baseline: int
    latest: int | None
    distance: int | None
    achieved: bool


@dataclass
class ActionRow:
    action: PlanAction
    due: str
    tag: Tag | None


@dataclass
class MeetingRow:
    meeting: TafMeeting
    attendance: list[MeetingAttendance]
    actions: list[PlanAction]


@dataclass
class EpisodePage:
    """What the episode page shows, read once."""

    episode: EarlyHelpEpisode
    children: list[Any]
    adults: list[Any]
    consents: list[Consent]
    consent: Consent | None
    assessments: list[Any]
    open_assessment: Any
    current_team: list[Any]
    former_team: list[Any]
    meetings: list[MeetingRow]
    actions: list[ActionRow]
    plan: FamilyPlan | None
    goals: list[GoalRow]
    reviews: list[PlanReview]
    steps: list[Any]
    tasks: list[Task]
    next_review: Task | None
    average_distance: float | None
    step_up_waiting: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _goal_rows(plan: FamilyPlan | None) -> list[GoalRow]:
    if plan is None:
        return []
    rows = []
    for goal in plan.goals.all():
        # Reviews are prefetched in date order, so the last score seen is the latest.
        scores = sorted(goal.scores.all(), key=lambda s: (s.review.reviewed_on, s.review.created_at))
        latest = scores[-1].score if scores else None
        rows.append(
            GoalRow(
                goal=goal,
                baseline=goal.baseline,
                latest=latest,
                distance=latest - goal.baseline if latest is not None else None,
                achieved=goal.status == GoalStatus.ACHIEVED,
            )
        )
    return rows


def episode_page(episode: EarlyHelpEpisode, today: date | None = None) -> EpisodePage:
    """Shape the family's record under `episode` (already read through the policy) for the page."""
    today = today or clock.today()
    record = episode_record(episode=episode)
    plan = record.plan
    members = list(episode.members.all())
    consents = list(episode.consents.all())
    assessments = list(episode.assessments.all())
    taf = list(episode.taf_members.all())
    actions = list(episode.actions.all())
    by_meeting: dict[Any, list[PlanAction]] = {}
    for action in actions:
        if action.meeting_id is not None:
            by_meeting.setdefault(action.meeting_id, []).append(action)
    goals = _goal_rows(plan)
    distances = [g.distance for g in goals if g.distance is not None]
    tasks = record.open_tasks
    return EpisodePage(
        episode=episode,
        children=[m for m in members if m.role == MemberRole.CHILD],
        adults=[m for m in members if m.role != MemberRole.CHILD],
        consents=consents,
        consent=max(consents, key=lambda c: (c.recorded_on, c.created_at)) if consents else None,
        assessments=assessments,
        open_assessment=next((a for a in assessments if a.completed_on is None), None),
        current_team=[m for m in taf if m.left_on is None],
        former_team=[m for m in taf if m.left_on is not None],
        meetings=[
            MeetingRow(m, list(m.attendance.all()), by_meeting.get(m.pk, [])) for m in episode.meetings.all()
        ],
        actions=[
            ActionRow(a, format_date(a.due_on), due_tag(a.due_on, today, done=a.status != ActionStatus.OPEN))
            for a in actions
        ],
        plan=plan,
        goals=goals,
        reviews=list(plan.reviews.all()) if plan is not None else [],
        steps=list(episode.steps.all()),
        tasks=tasks,
        next_review=next((t for t in tasks if t.key == Clock.PLAN_REVIEW), None),
        average_distance=round(sum(distances) / len(distances), 1) if distances else None,
        step_up_waiting=any(
            s.direction == StepDirection.UP and s.completed_on is None for s in episode.steps.all()
        ),
    )
