"""Where people live and who lives together: addresses over time and households."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from .. import identifiers
from ..constants import AddressKind
from ._periods import check_period, period_constraint
from .person import Person


class Address(VersionedModel):
    line_1 = models.CharField("Address line 1", max_length=200)
    line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    line_3 = models.CharField("Address line 3", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    # Blank for no fixed abode or an address abroad; otherwise always in the "SW1A 1AA" form.
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    # The Unique Property Reference Number, when the council's gazetteer knows the property.
    uprn = models.CharField(
        "UPRN",
        max_length=12,
        blank=True,
        db_index=True,
        validators=[RegexValidator(r"^\d{1,12}$", "Enter a UPRN of up to 12 digits.")],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["postcode", "line_1"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line_1, self.town, self.postcode) if part)

    def clean(self) -> None:
        if self.postcode:
            try:
                self.postcode = identifiers.normalise_postcode(self.postcode)
            except ValidationError as error:
                raise ValidationError({"postcode": error.messages}) from error


class PersonAddress(VersionedModel):
    """A person at an address for a period. No end date means they live there now."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    kind = models.CharField(max_length=10, choices=AddressKind.choices, default=AddressKind.HOME)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "address", "kind"],
                condition=models.Q(valid_to__isnull=True),
                name="person_address_one_current",
                violation_error_message="This person is already recorded at this address.",
            ),
            period_constraint("valid_from", "valid_to", "person_address_period"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.address} ({self.get_kind_display()})"

    def clean(self) -> None:
        check_period(self.valid_from, self.valid_to, start_field="valid_from", end_field="valid_to")


class Household(VersionedModel):
    """People who live together at one address. An address can hold more than one household."""

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="households")
    description = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["address"]

    def __str__(self) -> str:
        return f"Household at {self.address}"


class HouseholdMember(VersionedModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(valid_to__isnull=True),
                name="household_member_one_current",
                violation_error_message="This person is already a member of this household.",
            ),
            period_constraint("valid_from", "valid_to", "household_member_period"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"

    def clean(self) -> None:
        check_period(self.valid_from, self.valid_to, start_field="valid_from", end_field="valid_to")
