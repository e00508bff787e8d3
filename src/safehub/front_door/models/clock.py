"""The configurable clocks (issue 4: red 4 working hours, amber 1 working day …)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import ClockKey, ClockUnit


class ClockSetting(VersionedModel):
    key = models.CharField(max_length=20, choices=ClockKey.choices, unique=True)
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=20, choices=ClockUnit.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="clock_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.amount} {self.get_unit_display()}"
