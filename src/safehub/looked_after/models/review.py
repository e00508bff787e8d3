"""Looked-after reviews and regulation 28 visits (issue 6, item 2)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class LookedAfterReview(VersionedModel):
    """A review of the child's care plan, chaired by the IRO (903 Reviews: REVIEW, REVIEW_CODE).

    Care Planning Regulations 2010, reg. 33: first within 20 working days of entry, the second
    within 3 months of the first, then at most every 6 months.
    """

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="reviews"
    )
    held_on = models.DateField()
    participation = models.CharField(max_length=3, help_text="903 REVIEW_CODE, PN0-PN7.")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "held_on"], name="la_one_review_a_day"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.held_on:%d %b %Y}"


class PlacementVisit(VersionedModel):
    """A social worker's visit to the child in placement (Care Planning Regulations 2010, reg. 28)."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="visits"
    )
    placement = models.ForeignKey("looked_after.Placement", on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    child_seen = models.BooleanField(default=True)
    seen_alone = models.BooleanField(default=False)
    bedroom_seen = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["visited_on", "created_at"]

    def __str__(self) -> str:
        return f"Visit of {self.visited_on:%d %b %Y}"
