"""Health and wellbeing of a looked-after child: what the 903 OC2 table needs (issue 6, item 3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class HealthCheck(VersionedModel):
    """A health assessment, dental check, immunisation check or development check, on a date."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="health_checks"
    )
    kind = models.CharField(max_length=16, help_text="HealthCheckKind.")
    done_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["done_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.done_on:%d %b %Y}"


class SdqScore(VersionedModel):
    """A Strengths and Difficulties Questionnaire total (0-40), or the 903 reason there is none."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="sdq_scores"
    )
    recorded_on = models.DateField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=4, blank=True, help_text="903 SDQ_REASON when there is no score.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(score__isnull=False) & Q(score__lte=40) & Q(reason=""))
                | (Q(score__isnull=True) & ~Q(reason="")),
                name="la_sdq_score_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"SDQ {self.score if self.score is not None else self.reason}"


class SubstanceMisuse(VersionedModel):
    """Substance misuse identified, and whether an intervention was offered and taken up (OC2)."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="substance_misuse"
    )
    identified_on = models.DateField()
    intervention_offered = models.BooleanField(default=False)
    intervention_received = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["identified_on", "created_at"]

    def __str__(self) -> str:
        return f"Substance misuse identified {self.identified_on:%d %b %Y}"


class Conviction(VersionedModel):
    """A conviction, final warning or reprimand while looked after (OC2 CONVICTED)."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="convictions"
    )
    convicted_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["convicted_on", "created_at"]

    def __str__(self) -> str:
        return f"Conviction {self.convicted_on:%d %b %Y}"
