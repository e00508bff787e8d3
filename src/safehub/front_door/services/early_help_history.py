"""The early help history a step-up carries to the front door (ADR 0007, decision 6).

The MASH reads a stepped-up family's story once, from the contact's narrative: why early help
started, where consent stands, what the latest assessment found and what the family said, how
far each plan goal has moved (baseline and latest score), who is in the team around the family
and when the plan was last reviewed. Plain text, because the contact's narrative is plain text
and goes with the contact wherever the MASH sends it.
"""

from datetime import date

from safehub.early_help.constants import SCORE_MAX, NeedArea
from safehub.early_help.models import (
    Consent,
    EarlyHelpAssessment,
    EarlyHelpEpisode,
    FamilyPlan,
    GoalScore,
    PlanGoal,
    PlanReview,
    TafMember,
)


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _need(code: str) -> str:
    return str(NeedArea(code).label) if code in NeedArea.values else code


def episode_history(episode: EarlyHelpEpisode) -> str:
    """The history as the contact's narrative gives it, one titled section after another."""
    sections = [
        f"EARLY HELP HISTORY: {episode.family_name}, in early help since {_d(episode.opened_on)} "
        f"(led by {episode.organisation.name}).",
        f"Why early help started:\n{episode.reason}",
        _consent(episode),
        _assessment(episode),
        _plan(episode),
        _team(episode),
    ]
    if episode.step_down_handover:
        sections.insert(
            2, f"Stepped down from children's social care with this handover:\n{episode.step_down_handover}"
        )
    return "\n\n".join(sections)


def _consent(episode: EarlyHelpEpisode) -> str:
    latest = Consent.objects.filter(episode=episode).order_by("-recorded_on", "-created_at").first()
    if latest is None:
        return "Consent: none recorded."
    lines = [f"{latest.get_state_display()} on {_d(latest.recorded_on)}."]
    if latest.scope:
        lines.append(f"What the family agreed to: {latest.scope}")
    if latest.next_steps:
        lines.append(f"What happens next: {latest.next_steps}")
    return "\n".join(lines)


def _assessment(episode: EarlyHelpEpisode) -> str:
    latest = (
        EarlyHelpAssessment.objects.filter(episode=episode).order_by("-started_on", "-created_at").first()
    )
    if latest is None:
        return "Assessment: none started."
    state = (
        f"completed {_d(latest.completed_on)}"
        if latest.completed_on
        else f"started {_d(latest.started_on)}, not completed"
    )
    lines = [f"Latest assessment ({state}):"]
    if latest.needs:
        lines.append("Needs: " + "; ".join(_need(code) for code in latest.needs) + ".")
    for label, text in (
        ("What the assessment found", latest.needs_summary),
        ("Strengths", latest.strengths),
        ("In the family's words", latest.family_views),
        ("In the child's words", latest.child_views),
    ):
        if text:
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def _plan(episode: EarlyHelpEpisode) -> str:
    plan = FamilyPlan.objects.filter(episode=episode).first()
    if plan is None:
        return "Family plan: none yet."
    goals = list(PlanGoal.objects.filter(plan=plan).order_by("created_at"))
    latest: dict[object, GoalScore] = {}
    # Read in review order, so the last score kept for a goal is its latest.
    for score in (
        GoalScore.objects.filter(goal__plan=plan)
        .select_related("review")
        .order_by("review__reviewed_on", "review__created_at")
    ):
        latest[score.goal_id] = score
    lines = [f"Family plan from {_d(plan.started_on)}. Goals (scored 1 to {SCORE_MAX}):"]
    for goal in goals:
        scored = latest.get(goal.pk)
        now = (
            f"latest {scored.score}/{SCORE_MAX} on {_d(scored.review.reviewed_on)}"
            if scored is not None
            else "not yet scored at a review"
        )
        lines.append(
            f"- {goal.description} ({_need(goal.area)}; {goal.get_status_display().lower()}): "
            f"baseline {goal.baseline}/{SCORE_MAX}, {now}"
        )
    review = PlanReview.objects.filter(plan=plan).order_by("-reviewed_on", "-created_at").first()
    if review is None:
        lines.append("Last review: not reviewed yet.")
    else:
        lines.append(f"Last review: {_d(review.reviewed_on)}.")
        if review.family_views:
            lines.append(f"The family's views at that review: {review.family_views}")
    return "\n".join(lines)


def _team(episode: EarlyHelpEpisode) -> str:
    members = list(
        TafMember.objects.filter(episode=episode, left_on__isnull=True)
        .select_related("agency")
        .order_by("role", "name")
    )
    if not members:
        return "Team around the family: no current members."
    lines = ["Team around the family:"]
    for member in members:
        title = f", {member.job_title}" if member.job_title else ""
        lines.append(f"- {member.name}{title}, {member.agency.name} ({member.get_role_display().lower()})")
    return "\n".join(lines)
