"""Child in need plans, their reviews, and visits (issue 5, item 1)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import VisitKind
from .protection import ChildProtectionPlan
from .referral import Referral


class ChildInNeedPlan(VersionedModel):
    """A CIN plan. It never overlaps a child protection plan (CIN census rule 4016)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="cin_plans")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"], condition=Q(ended_on__isnull=True), name="cp_one_open_cin_plan"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cp_cin_plan_ended_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Child in need plan from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class CinPlanReview(BaseModel):
    plan = models.ForeignKey(ChildInNeedPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "created_at"]

    def __str__(self) -> str:
        return f"CIN plan review {self.held_on:%d %b %Y}"


class Visit(BaseModel):
    """A statutory visit: whether the child was seen, seen alone, and their bedroom seen (SSD cp_visits)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=20, choices=VisitKind.choices)
    cp_plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    cin_plan = models.ForeignKey(
        ChildInNeedPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(null=True, blank=True)
    bedroom_seen = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["visited_on", "created_at"]
        indexes = [models.Index(fields=["referral", "visited_on"])]
        constraints = [
            # Seen alone only means something if the child was seen.
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone__isnull=True) | Q(seen_alone=False),
                name="cp_visit_seen_alone_needs_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_on:%d %b %Y}"
