"""Restricted and sealed records, the named grants that open them, and emergency access (R22, R23)."""

from datetime import datetime

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel

from ..constants import BreakGlassReason, GrantStatus, Level, RestrictionReason, ReviewOutcome


class RestrictedRecord(BaseModel):
    """Marks one record (any model with a UUID key) as restricted or sealed."""

    object_type = models.CharField(max_length=100)
    object_id = models.UUIDField()
    level = models.CharField(max_length=12, choices=Level.choices)
    reason = models.CharField(max_length=30, choices=RestrictionReason.choices)
    explanation = models.TextField(blank=True)
    restricted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="restricted_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.object_type} {self.object_id}"


class AccessGrant(BaseModel):
    """A named, time-bound permission for one user to open one restricted record.

    Grants on sealed records stay pending until a second person approves them (four-eyes, R26).
    """

    restriction = models.ForeignKey(RestrictedRecord, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="access_grants")
    reason = models.TextField()
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=GrantStatus.choices)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")), name="grant_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(user=models.F("requested_by")), name="grant_not_self_requested"
            ),
            # Four-eyes (R26) in the database too: the second approver is neither party.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=models.F("user")) & ~Q(decided_by=models.F("requested_by"))),
                name="grant_decided_by_third_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} until {self.expires_at:%d %b %Y %H:%M}"

    def is_open_at(self, moment: datetime) -> bool:
        """Whether this grant opens its record at `moment` (the same rule as the selectors)."""
        return self.status == GrantStatus.ACTIVE and self.starts_at <= moment < self.expires_at


class BreakGlassAccess(BaseModel):
    """An emergency opening of a restricted record: step-up, reason, two hours, then review."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="break_glass_uses")
    object_type = models.CharField(max_length=100)
    object_id = models.UUIDField()
    reason_code = models.CharField(max_length=30, choices=BreakGlassReason.choices)
    reason_text = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "object_type", "object_id", "expires_at"]),
            models.Index(fields=["review_outcome", "started_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")), name="break_glass_ends_after_start"
            ),
            # Nobody marks their own emergency access as justified (R23, R26).
            models.CheckConstraint(
                condition=~Q(reviewed_by=models.F("user")), name="break_glass_not_self_reviewed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} opened {self.object_type} {self.object_id} at {self.started_at:%d %b %Y %H:%M}"

    @property
    def is_reviewed(self) -> bool:
        return bool(self.review_outcome)
