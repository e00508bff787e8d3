"""Produced returns, what the DfE validators said about them, and the explanations for queries."""

from django.conf import settings
from django.db import models

from safehub.platform.models import BaseModel

from ..constants import IssueSeverity, ReturnKind, ValidationStatus


class ProducedReturn(BaseModel):
    """One production of a return: its files are kept, so a submitted year feeds next year's
    cross-year rules (903 `_last` tables) and what was sent can always be shown again."""

    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    # The collection's end year (2026 = 1 April 2025 to 31 March 2026); Annex A uses `as_at`.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    as_at = models.DateField(null=True, blank=True)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    children = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # Set by the latest validation run; None until one has run. A failing return can be produced
    # and downloaded, but is shown as failing until every error is fixed (or explained, for queries).
    status = models.CharField(max_length=10, choices=ValidationStatus.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "year"])]


class ReturnPart(models.Model):
    """One file of a produced return (the CIN XML, one 903 table, the Annex A workbook)."""

    produced = models.ForeignKey(ProducedReturn, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(max_length=100)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["produced", "name"], name="return_part_once")]

    def __str__(self) -> str:
        return self.name


class ValidationRun(BaseModel):
    produced = models.ForeignKey(ProducedReturn, on_delete=models.CASCADE, related_name="validations")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ValidationStatus.choices, default=ValidationStatus.RUNNING
    )
    ruleset = models.CharField(max_length=20, blank=True)
    validator_version = models.CharField(max_length=40, blank=True)
    seconds = models.FloatField(default=0)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    # Rules left out on purpose (docs/domain/returns-validation.md says why, rule by rule).
    excluded_rules = models.JSONField(default=list)
    # Rules the validator could not run (it only prints them); shown, never counted as passed.
    crashed_rules = models.JSONField(default=list)
    log = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]


class ValidationIssue(models.Model):
    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="issues")
    rule_code = models.CharField(max_length=20)
    severity = models.CharField(max_length=5, choices=IssueSeverity.choices)
    description = models.TextField()
    # Blank for a return-level rule (the header, the LA as a whole).
    child_id = models.CharField(max_length=20, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    table = models.CharField(max_length=60, blank=True)
    fields = models.CharField(max_length=300, blank=True)
    row = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["run", "rule_code"]),
            models.Index(fields=["run", "child_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.child_id}".strip()


class QueryExplanation(BaseModel):
    """Why a query rule's finding is right as it is, kept for the submission (COLLECT asks)."""

    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    year = models.PositiveSmallIntegerField()
    rule_code = models.CharField(max_length=20)
    child_id = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "rule_code", "child_id"], name="query_explained_once"
            )
        ]
