"""The Team Around the Family: members, meetings and the actions they agree (issue 9, item 3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import ActionStatus, Attendance, MeetingKind, TafRole
from .episode import EarlyHelpEpisode


class TafMember(BaseModel):
    """A professional in the team around the family.

    Members with a Safehub account (`user`) see the episode while they are members and only then;
    a member without an account (a youth worker at a small charity) is on the record by name so
    actions can still be owned by them.
    """

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="taf_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="taf_memberships",
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    job_title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=TafRole.choices, default=TafRole.MEMBER)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "name"]
        indexes = [models.Index(fields=["user", "left_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "user"],
                condition=Q(left_on__isnull=True, user__isnull=False),
                name="eh_taf_member_once",
            ),
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(left_on__isnull=True, role=TafRole.LEAD_PROFESSIONAL),
                name="eh_one_lead_professional",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="eh_taf_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class TafMeeting(BaseModel):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField()
    family_attended = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%d %b %Y}"


class MeetingAttendance(BaseModel):
    meeting = models.ForeignKey(TafMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(TafMember, on_delete=models.PROTECT, related_name="attendance")
    attendance = models.CharField(max_length=10, choices=Attendance.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="eh_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_attendance_display()}"


class PlanAction(VersionedModel):
    """Something a named member will do by a date: agreed at a meeting, towards a plan goal, or both.

    An action without an owner is the gap serious case reviews keep finding ("everyone thought
    someone else would"), so `owner` is required and `due_on` too.
    """

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="actions")
    goal = models.ForeignKey(
        "early_help.PlanGoal", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    meeting = models.ForeignKey(
        TafMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(TafMember, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    progress_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN, completed_on__isnull=True)
                | (~Q(status=ActionStatus.OPEN) & Q(completed_on__isnull=False)),
                name="eh_action_completed_when_not_open",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]
