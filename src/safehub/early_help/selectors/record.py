"""The rest of a family's early help record, read under an episode already read through the
policy (`episode_get`): one round of prefetches, so the episode page's query count does not grow
with the family's history."""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task

from ..clocks import episode_plan
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


@dataclass(frozen=True)
class EpisodeRecord:
    plan: FamilyPlan | None
    open_tasks: list[Task]


def episode_record(*, episode: EarlyHelpEpisode) -> EpisodeRecord:
    prefetch_related_objects(
        [episode],
        "members",
        "taf_members",
        Prefetch("consents", queryset=Consent.objects.select_related("given_by", "recorded_by")),
        "assessments",
        Prefetch(
            "meetings",
            queryset=TafMeeting.objects.prefetch_related(
                Prefetch("attendance", queryset=MeetingAttendance.objects.select_related("member")),
            ),
        ),
        Prefetch("actions", queryset=PlanAction.objects.select_related("owner", "goal", "meeting")),
        "steps",
    )
    plan = episode_plan(episode)
    if plan is not None:
        prefetch_related_objects(
            [plan],
            Prefetch("goals", queryset=PlanGoal.objects.prefetch_related("scores__review")),
            Prefetch("reviews", queryset=PlanReview.objects.select_related("recorded_by", "meeting")),
        )
    # The family's clocks: open tasks on the children's early help involvements (ADR 0007 §1).
    involvements = [m.involvement_id for m in episode.members.all() if m.involvement_id is not None]
    tasks = (
        list(
            Task.objects.filter(involvement_id__in=involvements, status=TaskStatus.OPEN)
            .select_related("assigned_to")
            .order_by("due_on")
        )
        if involvements
        else []
    )
    return EpisodeRecord(plan=plan, open_tasks=tasks)
