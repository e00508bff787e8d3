"""SSD extracts in: runs, their per-table progress, every rejected row, and which domain row each
SSD row became (so a second run updates instead of duplicating)."""

from django.conf import settings
from django.db import models

from safehub.platform.models import BaseModel

from ..constants import ImportStatus


class ImportRun(BaseModel):
    directory = models.CharField(max_length=500)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # Why the run stopped, when it did not finish (the rows loaded so far stay; resume goes on).
    failure = models.TextField(blank=True)
    resumed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class ImportRunTable(models.Model):
    """How far a run got through one table, or through one part of it when the table was loaded by
    several worker processes (ADR 0006): resume starts after the part's last committed batch."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="tables")
    table = models.CharField(max_length=60)
    # Which of `parts` shares of the table's rows (by child: ssd._parallel.part_of) this row
    # counts; a table loaded by one process is part 0 of 1. A resume keeps the count it started with.
    part = models.PositiveSmallIntegerField(default=0)
    parts = models.PositiveSmallIntegerField(default=1)
    rows = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    loaded = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    finished = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "table", "part"], name="import_run_table_part_once")
        ]

    def __str__(self) -> str:
        return self.table


class ImportRejection(models.Model):
    """One refused row (or one refused field of it): the error report is written from these."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    table = models.CharField(max_length=60)
    row_id = models.CharField(max_length=100, blank=True)
    field = models.CharField(max_length=80, blank=True)
    problem = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["run", "table"])]

    def __str__(self) -> str:
        return f"{self.table} {self.row_id} {self.field}: {self.problem}"


class SsdRecord(models.Model):
    """SSD row (table, id) -> the domain row it was loaded into, with a hash of what was loaded."""

    table = models.CharField(max_length=60)
    source_id = models.CharField(max_length=100)
    model = models.CharField(max_length=80)
    object_id = models.UUIDField()
    row_hash = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "source_id"], name="ssd_record_once")]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.table} {self.source_id}"
