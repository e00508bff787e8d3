"""Households that care for children: foster carers, connected persons, adopters, supported lodgings
(issue 6, item 8). Carers are people records, so an adult is one record wherever they appear.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class CarerHousehold(VersionedModel):
    """A household approved (or being assessed) to care for children, with its terms of approval.

    Vacancies are never stored: they are the approved number less the children placed now.
    """

    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, help_text='How staff know it: "The Okafor household".')
    kind = models.CharField(max_length=12, help_text="HouseholdKind.")
    status = models.CharField(max_length=12, default="assessment", help_text="ApprovalStatus.")
    approved_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    in_area = models.BooleanField(default=True, help_text="Inside the council's own area.")
    age_from = models.PositiveSmallIntegerField(default=0)
    age_to = models.PositiveSmallIntegerField(default=17)
    places = models.PositiveSmallIntegerField(default=1, help_text="Number of children approved for.")
    sibling_group_max = models.PositiveSmallIntegerField(
        default=1, help_text="Largest sibling group the household is approved to take together."
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from__lte=models.F("age_to")), name="la_household_age_range"
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1) & Q(places__lte=8), name="la_household_places_1_to_8"
            ),
            models.CheckConstraint(
                condition=Q(sibling_group_max__gte=1) & Q(sibling_group_max__lte=models.F("places")),
                name="la_household_sibling_group_within_places",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_on__isnull=False),
                name="la_household_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdCarer(models.Model):
    """A carer in a household (a people record)."""

    household = models.ForeignKey(CarerHousehold, on_delete=models.CASCADE, related_name="carers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="carer_households")
    added_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="la_carer_once_per_household"),
        ]

    def __str__(self) -> str:
        return f"Carer in {self.household_id}"
