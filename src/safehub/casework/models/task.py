"""Tasks: every statutory and local clock on a case, with its due date (issue 5, item 2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import LocalTimescale, TaskStatus, TimescaleUnit


class Task(VersionedModel):
    """A thing to do by a date. Clock tasks are kept by the service that owns the clock
    (`tasks_sync`); a worker may also add their own (`manual`).

    `key` names the clock ("cin.assessment", "cp.visit"); one open task per key per involvement,
    so recomputing a clock moves its task rather than adding another. A finished task keeps its
    due and completion dates: that is what the manager's compliance view counts.
    """

    involvement = models.ForeignKey("casework.Involvement", on_delete=models.CASCADE, related_name="tasks")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="tasks")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    basis = models.CharField(max_length=200, blank=True, help_text="Where the timescale comes from.")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_reason = models.CharField(max_length=200, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    manual = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "title"]
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_on"]),
            models.Index(fields=["team", "status", "due_on"]),
            models.Index(fields=["key", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["involvement", "key"],
                condition=Q(status=TaskStatus.OPEN) & Q(manual=False),
                name="casework_one_open_task_per_clock",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | Q(completed_on__isnull=False),
                name="casework_done_task_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} by {self.due_on:%d %b %Y}"

    @property
    def on_time(self) -> bool | None:
        if self.status != TaskStatus.DONE or self.completed_on is None:
            return None
        return self.completed_on <= self.due_on


class TimescaleSetting(BaseModel):
    """A council's own value for a local timescale; absent means the default in constants."""

    key = models.CharField(max_length=30, choices=LocalTimescale.choices, unique=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=TimescaleUnit.choices)
    reason = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gte=1), name="casework_timescale_positive")]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.amount} {self.get_unit_display()}"
