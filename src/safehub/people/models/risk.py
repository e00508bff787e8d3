"""Risk flags on a person: what other professionals must know before they act."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import RiskFlagKind, Sensitivity
from ._periods import check_period, period_constraint
from .person import Person


class RiskFlag(VersionedModel):
    """A flag is reviewed by `review_on`; ending it keeps it on the record with its dates."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="risk_flags")
    kind = models.CharField(max_length=30, choices=RiskFlagKind.choices)
    source_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sensitivity = models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-starts_on"]
        indexes = [models.Index(fields=["review_on"])]
        constraints = [
            period_constraint("starts_on", "ends_on", "risk_flag_period"),
            models.CheckConstraint(
                condition=models.Q(review_on__gte=models.F("starts_on")),
                name="risk_flag_review_after_start",
                violation_error_message="The review date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.person})"

    def clean(self) -> None:
        check_period(self.starts_on, self.ends_on, start_field="starts_on", end_field="ends_on")
        if self.starts_on and self.review_on and self.review_on < self.starts_on:
            raise ValidationError({"review_on": "The review date must be on or after the start date."})
