"""The family plan: goals, and progress scored at each review (issue 9, item 4)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import SCORE_MAX, SCORE_MIN, GoalStatus, NeedArea
from .episode import EarlyHelpEpisode
from .team import TafMeeting

_SCORE = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


class FamilyPlan(VersionedModel):
    """One plan per episode. Reviews fall due at the local interval (`casework` timescale
    `eh_plan_review`) from the plan's start, then from the last review."""

    episode = models.OneToOneField(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="plan")
    started_on = models.DateField()
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Family plan from {self.started_on:%d %b %Y}"


class PlanGoal(BaseModel):
    """A goal in the family's words, with where the family started on the scale (`baseline`)."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.PROTECT, related_name="goals")
    area = models.CharField(max_length=20, choices=NeedArea.choices)
    description = models.TextField()
    baseline = models.PositiveSmallIntegerField(validators=_SCORE)
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    achieved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline__gte=SCORE_MIN, baseline__lte=SCORE_MAX),
                name="eh_goal_baseline_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class PlanReview(BaseModel):
    """A review of the plan, usually at a TAF review meeting, scoring every open goal."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    meeting = models.ForeignKey(
        TafMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_reviews"
    )
    summary = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reviewed_on", "created_at"]

    def __str__(self) -> str:
        return f"Plan review on {self.reviewed_on:%d %b %Y}"


class GoalScore(BaseModel):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="scores")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=_SCORE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="eh_one_score_per_goal_per_review"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="eh_score_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/{SCORE_MAX}"
