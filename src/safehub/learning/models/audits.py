"""Multi-agency case audits: tools, programmes, the cases audited, the answers, moderation and
findings (issue 10, item 5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import AuditGrade, CaseAuditStatus, ProgrammeStatus
from .themes import Theme


class AuditTool(BaseModel):
    """A set of questions every auditor answers with a grade, e.g. the partnership's neglect tool."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditQuestion(BaseModel):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["tool", "number"]
        constraints = [models.UniqueConstraint(fields=["tool", "number"], name="lq_question_number_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class AuditProgramme(VersionedModel):
    """An audit round: a tool, a focus, a set of children's cases and the auditors for each."""

    title = models.CharField(max_length=200)
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="programmes")
    focus = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="audit_programmes")
    starts_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.AUDITING
    )
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")), name="lq_programme_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseAudit(VersionedModel):
    """One child's case in a programme. Auditors from several agencies each grade it; a moderator
    then agrees the grade. Opening it reads the child's record, so every view is audited (R27)."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="cases")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=CaseAuditStatus.choices, default=CaseAuditStatus.IN_PROGRESS
    )
    moderated_grade = models.CharField(max_length=30, choices=AuditGrade.choices, blank=True)
    moderation_note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "child"], name="lq_child_once_per_programme"),
            models.CheckConstraint(
                condition=~Q(status=CaseAuditStatus.MODERATED)
                | Q(moderated_on__isnull=False, moderated_by__isnull=False) & ~Q(moderated_grade=""),
                name="lq_moderated_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: case {str(self.pk)[:8]}"


class CaseAuditor(BaseModel):
    """An auditor on one case, from their agency; their own overall grade once they submit."""

    case_audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="auditors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=30, choices=AuditGrade.choices, blank=True)
    summary = models.TextField(blank=True)
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case_audit", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case_audit", "user"], name="lq_auditor_once_per_case"),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True) | ~Q(grade=""), name="lq_submitted_audit_has_grade"
            ),
        ]
        indexes = [models.Index(fields=["user", "submitted_on"], name="lq_auditor_user_idx")]

    def __str__(self) -> str:
        return f"{self.case_audit}: {self.user}"


class AuditAnswer(BaseModel):
    auditor = models.ForeignKey(CaseAuditor, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=30, choices=AuditGrade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["auditor", "question__number"]
        constraints = [models.UniqueConstraint(fields=["auditor", "question"], name="lq_answer_once")]

    def __str__(self) -> str:
        return f"{self.question}: {self.get_grade_display()}"


class AuditFinding(BaseModel):
    """What an audit found about a child's case, tagged with themes; follow-up actions hang off it."""

    case_audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField()
    themes = models.ManyToManyField(Theme, blank=True, related_name="audit_findings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]
