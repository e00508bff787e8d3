"""A child's involvement with a service, and who is allocated to it (issue 5, items 1 and 4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import CaseLevel, CaseService


class Involvement(VersionedModel):
    """One open piece of work with a child: a CIN referral, an early help episode, a period of care.

    The owning app keeps its own record (a `Referral`) and points at this row; casework hangs the
    allocation, the tasks, the notes and the documents here, so the worker's lists and caseloads
    see every service the same way.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="involvements")
    service = models.CharField(max_length=20, choices=CaseService.choices)
    level = models.CharField(max_length=20, choices=CaseLevel.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True, help_text="The owning app's page for this work.")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_involvements",
    )

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["worker", "closed_on"]),
            models.Index(fields=["team", "closed_on"]),
            models.Index(fields=["person", "closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="casework_involvement_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Allocation(BaseModel):
    """A spell of a team (and usually a worker) holding the involvement. Never edited, only ended.

    Each change of worker carries the 903 SW_REASON code, so the SWEpisodes table and the count
    of social-worker changes in Annex A come straight from here.
    """

    involvement = models.ForeignKey(Involvement, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    change_reason = models.CharField(max_length=10, blank=True, help_text="903 SW_REASON code.")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["involvement"],
                condition=Q(ended_on__isnull=True),
                name="casework_one_current_allocation",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="casework_allocation_ended_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker or self.team} from {self.started_on:%d %b %Y}"


class CaseloadWeight(BaseModel):
    level = models.CharField(max_length=20, choices=CaseLevel.choices, unique=True)
    weight = models.DecimalField(max_digits=4, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.weight}"
