"""A person known to any agency: a child, a parent, a carer, a person posing a risk."""

from django.core.exceptions import ValidationError
from django.db import models
from nhs_number import is_valid as nhs_number_is_valid
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import Sex
from ._periods import period_constraint


def validate_nhs_number(value: str) -> None:
    if not nhs_number_is_valid(value):
        raise ValidationError("Enter a valid 10-digit NHS number (the check digit does not match).")


class Person(VersionedModel):
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, help_text="Leave blank for an unborn child.")
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number], db_index=True
    )
    # The person's own words: Safehub records gender as told, not as a code list.
    gender = models.CharField(max_length=50, blank=True)
    # A CIN census ethnicity code (reference list `cin.ethnicity`); the list is checked where it is typed.
    ethnicity = models.CharField(max_length=10, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # Set by `person_merge`: this record was found to be the same person as `merged_into`. Its page
    # points at the survivor, and search and matching never return it (policies.py).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed_people"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["family_name", "date_of_birth"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=False)
                | models.Q(expected_date_of_birth__isnull=False)
                | models.Q(sex=Sex.UNKNOWN),
                name="person_born_or_expected_or_unknown",
                violation_error_message=(
                    "Enter a date of birth, or an expected date of birth for an unborn child."
                ),
            ),
            period_constraint("date_of_birth", "date_of_death", "person_death_not_before_birth"),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="person_not_merged_into_self",
                violation_error_message="A record cannot be merged into itself.",
            ),
        ]

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_death and self.date_of_death < self.date_of_birth:
            raise ValidationError(
                {"date_of_death": "The date of death must be on or after the date of birth."}
            )

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
