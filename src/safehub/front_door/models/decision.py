"""The MASH decision, the handovers it makes and the feedback it owes the referrer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import (
    DecisionStatus,
    FeedbackChannel,
    FeedbackChoice,
    FeedbackStatus,
    HandoverService,
    HandoverStatus,
    Outcome,
)
from .contact import Contact


class Decision(VersionedModel):
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    status = models.CharField(max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True)
    feedback_choice = models.CharField(max_length=20, choices=FeedbackChoice.choices, blank=True)
    feedback_withheld_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # One live decision per contact; returned ones stay as history.
            models.UniqueConstraint(
                fields=["contact"],
                condition=~Q(status=DecisionStatus.RETURNED),
                name="decision_one_live_per_contact",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_rationale_required"),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_outcome_display()}"


class Handover(BaseModel):
    """Work the front door passes on. The receiving app's service picks it up; we never write
    that app's tables."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="handovers")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="handovers")
    service = models.CharField(max_length=30, choices=HandoverService.choices)
    status = models.CharField(max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.WAITING)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)
    # What the receiving app calls the work it opened (its own record's id or reference).
    receiving_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "service"], name="handover_one_per_service"),
        ]
        indexes = [models.Index(fields=["service", "status"], name="handover_waiting_idx")]

    def __str__(self) -> str:
        return f"{self.contact} → {self.get_service_display()}"


class ReferrerFeedback(BaseModel):
    """What the referrer is told, worded for them; an outbox row that a background task sends."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="feedback")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="feedback")
    channel = models.CharField(max_length=10, choices=FeedbackChannel.choices)
    recipient_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["decision"], name="feedback_one_per_decision"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="feedback_outbox_idx")]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_status_display()}"
