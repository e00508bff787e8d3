"""Multi-agency action plans: actions, their progress and their evidence (issue 10, item 3)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safehub.casework.constants import DocumentStatus
from safehub.platform.models import BaseModel, VersionedModel

from ..constants import ActionStatus, Rag


class LearningAction(VersionedModel):
    """One action towards a review's recommendation or following up a case audit's finding.

    Always owned by an agency *and* a named officer (who may have no Safehub account), and always
    due on a date: an action nobody owns is how learning is lost (Bad input, issue 10). It is
    completed by its owner with evidence and closed only by the partnership's sign-off.
    """

    recommendation = models.ForeignKey(
        "learning.Recommendation", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    audit_finding = models.ForeignKey(
        "learning.AuditFinding", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    rag = models.CharField(max_length=10, choices=Rag.choices, default=Rag.GREEN)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    completion_summary = models.TextField(blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set once by the overdue sweep, so an action escalates once, not every night.
    escalated_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False, audit_finding__isnull=True)
                | Q(recommendation__isnull=True, audit_finding__isnull=False),
                name="lq_action_has_one_source",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN, completed_on__isnull=True, signed_off_on__isnull=True)
                | Q(status=ActionStatus.COMPLETED, completed_on__isnull=False, signed_off_on__isnull=True)
                | Q(
                    status=ActionStatus.SIGNED_OFF,
                    completed_on__isnull=False,
                    signed_off_on__isnull=False,
                    signed_off_by__isnull=False,
                ),
                name="lq_action_status_dates",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_on__isnull=True) | Q(signed_off_on__gte=F("completed_on")),
                name="lq_signed_off_after_completed",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_on"], name="lq_action_agency_idx")]

    def __str__(self) -> str:
        return self.description[:60]


class ActionUpdate(BaseModel):
    """A progress update, with the owner's RAG rating at that time."""

    action = models.ForeignKey(LearningAction, on_delete=models.PROTECT, related_name="updates")
    written_on = models.DateField()
    text = models.TextField()
    rag = models.CharField(max_length=10, choices=Rag.choices)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-written_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.action}: {self.written_on}"


class Evidence(BaseModel):
    """A file showing an action was done. It goes through the same pipeline as a document on a
    child's record (inspection, quarantine, virus scan; R43): only CLEAN evidence is served, and
    only CLEAN evidence counts towards sign-off."""

    action = models.ForeignKey(LearningAction, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUARANTINED
    )
    scan_detail = models.CharField(max_length=300, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status"], name="lq_evidence_status_idx")]

    def __str__(self) -> str:
        return self.title
