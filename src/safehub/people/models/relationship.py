"""Typed, dated relationships between two people, each stored once and read from both sides."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import RELATIONSHIP_INVERSE, STORED_RELATIONSHIP_CHOICES, STORED_RELATIONSHIPS
from ._periods import check_period, period_constraint
from .person import Person


class Relationship(VersionedModel):
    """`person_a` is `kind` of `person_b` ("A parent of B"). Symmetric kinds store the lower id as A.

    `relationship_add` normalises the direction, so "B child of A" and "A parent of B" are the same
    row and a duplicate is caught by one unique constraint whichever way round it was typed.
    """

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_as_a")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_as_b")
    kind = models.CharField(max_length=20, choices=STORED_RELATIONSHIP_CHOICES)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person_a=models.F("person_b")),
                name="relationship_not_to_self",
                violation_error_message="A person cannot have a relationship with themselves.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=sorted(STORED_RELATIONSHIPS)),
                name="relationship_stored_direction",
                violation_error_message="Store the relationship from the parent's, carer's or grandparent's side.",
            ),
            models.UniqueConstraint(
                fields=["person_a", "person_b", "kind"],
                condition=models.Q(valid_to__isnull=True),
                name="relationship_one_current",
                violation_error_message="This relationship is already recorded.",
            ),
            period_constraint("valid_from", "valid_to", "relationship_period"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a} {self.get_kind_display().lower()} of {self.person_b}"

    def clean(self) -> None:
        if self.person_a_id is not None and self.person_a_id == self.person_b_id:
            raise ValidationError({"person_b": "A person cannot have a relationship with themselves."})
        check_period(self.valid_from, self.valid_to, start_field="valid_from", end_field="valid_to")

    def kind_for(self, person_id: object) -> str:
        """What `person_id` is to the other person: A reads the stored kind, B its inverse ("child")."""
        return self.kind if person_id == self.person_a_id else RELATIONSHIP_INVERSE[self.kind]
