"""A person's disabilities, as the CIN census, the 903, the SSD and Annex A record them."""

from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import DisabilityCode
from .person import Person


class PersonDisability(VersionedModel):
    """One disability code recorded for a person. Withdrawing it (recorded in error, or no longer
    so) keeps the row with when and why, as identifiers do; the returns read the current ones."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4, choices=DisabilityCode.choices)
    recorded_on = models.DateField(null=True, blank=True)
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "code"]
        constraints = [
            # DfE rule 8794: a code once per child.
            models.UniqueConstraint(
                fields=["person", "code"],
                condition=models.Q(removed_at__isnull=True),
                name="person_disability_once",
                violation_error_message="This disability is already recorded for this person.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.person})"
