"""Serious incident notifications (issue 10, item 1)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import IncidentKind


class SeriousIncident(VersionedModel):
    """A serious incident the council has become aware of, and its notification to the national
    Child Safeguarding Practice Review Panel (Children Act 2004 s16C).

    The 5 working days run from `aware_on`; `notify_due_on` is stored so lists can sort and count
    by it, and is recomputed when the working calendar changes. Only the partnership (and whoever
    recorded it) may open one: it names the child (LearningPolicy in `policies.py`).
    """

    reference = models.CharField(max_length=20, unique=True)
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    incident_on = models.DateField()
    aware_on = models.DateField()
    notify_due_on = models.DateField()
    notified_on = models.DateField(null=True, blank=True)
    panel_reference = models.CharField(max_length=50, blank=True)
    summary = models.TextField()
    agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-aware_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(aware_on__gte=F("incident_on")), name="lq_aware_after_incident"
            ),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__gte=F("aware_on")),
                name="lq_notified_after_aware",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
