"""A MASH worker's request to see a restricted record that matched their search (issue 3, item 3).

The record is held here, server-side, and never shown to the requester: they learn only that a
restricted record matched and, later, whether their request was approved (T3, R22). An approval
creates a named, time-bound grant through the grant service, so the record opens through the same
door as any other grant (and a sealed record still needs its second approver, R26).
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class AccessRequest(BaseModel):
    requester = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="access_requests")
    # The record asked for (any registered object type); never rendered to the requester.
    object_type = models.CharField(max_length=100)
    object_id = models.UUIDField()
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    grant = models.ForeignKey(
        "access.AccessGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            # One open request per person and record: asking twice adds nothing to the queue.
            models.UniqueConstraint(
                fields=["requester", "object_type", "object_id"],
                condition=Q(status="pending"),
                name="access_request_one_pending",
            ),
            # Nobody decides their own request (R26).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requester")),
                name="access_request_not_self_decided",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="access_request_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Request by {self.requester} ({self.get_status_display().lower()})"
