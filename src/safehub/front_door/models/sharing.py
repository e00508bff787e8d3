"""Multi-agency information sharing: requests to partners, their answers, and decisions to share.

A partner's answer is read only through `selectors.responses` (R21); a decision to share or not
to share is a record of its own with its lawful basis (R33).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import LawfulBasis, RequestStatus, ResponseKind, Sensitivity
from .contact import Contact


class InformationRequest(VersionedModel):
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField(help_text="What the MASH needs to know from this agency.")
    status = models.CharField(max_length=30, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Kept on the request, where the MASH reads it, not in the audit trail (R27: no free text there).
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Which people in the contact this agency is told about (minimum necessary, R34); and
    # whether their addresses are included. Chosen by the MASH when sending.
    subjects = models.ManyToManyField("front_door.ContactSubject", blank=True, related_name="requests")
    include_addresses = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "agency"], name="information_request_one_per_agency"),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="request_agency_idx")]

    def __str__(self) -> str:
        return f"{self.contact} → {self.agency}"


class PartnerResponse(BaseModel):
    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField(max_length=30, choices=ResponseKind.choices)
    content = models.TextField(blank=True)
    sensitivity = models.CharField(max_length=30, choices=Sensitivity.choices, blank=True)
    # "Held but not shareable without …": what would allow it (a court order, a DPA request …).
    condition = models.TextField(blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_kind_display()}"


class SharingDecision(BaseModel):
    """A decision to share, or not to share, items of a contact with a recipient (R33)."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="sharing_decisions")
    share = models.BooleanField()
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    purpose = models.TextField()
    recipient_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_description = models.CharField(
        max_length=200, blank=True, help_text="The person or service within the agency."
    )
    responses = models.ManyToManyField(PartnerResponse, blank=True, related_name="sharing_decisions")
    # Items of the contact itself that are shared, by name (e.g. "summary", "concerns").
    fields = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        verb = "Share" if self.share else "Do not share"
        return f"{verb}: {self.contact} → {self.recipient_agency or self.recipient_description}"
