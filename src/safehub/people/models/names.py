"""Names a person has been known by, over time, and who told us."""

from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import NameKind
from ._periods import check_period, period_constraint
from .person import Person


class PersonName(VersionedModel):
    """One name. The `current` row mirrors `Person.given_name`/`family_name`, kept in step by the services."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(kind=NameKind.CURRENT),
                name="person_name_one_current",
                violation_error_message="A person has one current name.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=NameKind.CURRENT) | models.Q(valid_to__isnull=True),
                name="person_name_current_not_ended",
                violation_error_message="A current name has no end date.",
            ),
            period_constraint("valid_from", "valid_to", "person_name_period"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.get_kind_display()})"

    def clean(self) -> None:
        check_period(self.valid_from, self.valid_to, start_field="valid_from", end_field="valid_to")
