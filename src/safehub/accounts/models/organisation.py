"""Agencies and teams: the organisations and units that staff and partners belong to."""

from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import AgencyKind, TeamKind


class Agency(VersionedModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    ods_code = models.CharField(
        "ODS or URN code",
        max_length=20,
        blank=True,
        help_text="NHS ODS code for health bodies, DfE URN for schools, force code for police.",
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(VersionedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=TeamKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="memberships")
    is_manager = models.BooleanField(default=False)
    joined_on = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
