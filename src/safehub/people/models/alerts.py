"""Flagged-adult alerts: a flagged adult became linked to children, and who was told (issue 3, item 5)."""

from django.conf import settings
from django.db import models

from safehub.platform.models import BaseModel, VersionedModel

from .person import Person


class AlertLinkKind(models.TextChoices):
    """How the flagged adult became linked to the children concerned."""

    HOUSEHOLD = "household", "Joined a household"
    RELATIONSHIP = "relationship", "New relationship"
    ADDRESS = "address", "New address"
    CONTACT = "contact", "Named in a contact"
    FLAG_ADDED = "flag_added", "Risk flag added"


class FlaggedAdultAlert(BaseModel):
    """One alert, raised in the same transaction as the link that caused it; never edited.

    `reason` names the flag kinds and the link but no one's name or address, because a recipient
    who may not see the adult's record still reads it. `context` holds ids only (the household,
    relationship, address, flag or contact that made the link), never record content.
    """

    adult = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="alerts_as_adult")
    children = models.ManyToManyField(Person, related_name="alerts_as_child")
    link_kind = models.CharField(max_length=20, choices=AlertLinkKind.choices)
    flag_kinds = models.JSONField(default=list)
    reason = models.TextField()
    context = models.JSONField(default=dict, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Alert: {self.get_link_kind_display()} ({self.created_at:%d/%m/%Y})"


class AlertRecipient(VersionedModel):
    """One recipient of an alert: a user (an allocated worker) or a team (the MASH queue)."""

    alert = models.ForeignKey(FlaggedAdultAlert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["acknowledged_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, team__isnull=False),
                name="alert_recipient_user_or_team",
                violation_error_message="An alert goes to a user or to a team.",
            ),
            models.UniqueConstraint(
                fields=["alert", "user"],
                condition=models.Q(user__isnull=False),
                name="alert_recipient_user_once",
            ),
            models.UniqueConstraint(
                fields=["alert", "team"],
                condition=models.Q(team__isnull=False),
                name="alert_recipient_team_once",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | models.Q(acknowledged_by__isnull=False),
                name="alert_recipient_acknowledged_by_someone",
                violation_error_message="Say who acknowledged the alert.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert} to {self.user or self.team}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
