"""Statutory and sector code lists (CIN census, SSDA903, the Standard Safeguarding Dataset).

A code is never deleted: returns for earlier years still have to say what a code meant, so a
code that leaves its source is disabled from a date instead (HOUSE.md, "Migrations and
reference data").
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel


class CodeList(BaseModel):
    """One list of codes, e.g. `cin.categoryofabuse`, and where it was last loaded from."""

    key = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    # The file (relative to the reference directory) and its content version, so anyone can
    # tell which release of a statutory schema the codes came from.
    source = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Code(BaseModel):
    """One code in a list. Active on a date when valid_from <= date < disabled_from."""

    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=100)
    label = models.TextField()
    sort_order = models.PositiveIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    disabled_from = models.DateField(null=True, blank=True)
    # Where in the source file the code was read (a line or a path), for anyone checking a label.
    source_row = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="reference_code_unique_in_list"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(disabled_from__isnull=True)
                | Q(disabled_from__gt=F("valid_from")),
                name="reference_code_disabled_after_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"
