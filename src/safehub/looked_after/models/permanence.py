"""Permanence: adoption decisions, matches and orders; sibling placement decisions (issue 6, item 6).

903 PlacedAdoption records each decision that the child should be placed for adoption and, if it
ceases, when and why (RD1-RD4). AD1 records, for a child adopted, the decision, the match and the
adopters. An order (adoption, special guardianship, child arrangements) is what lets a period end
with the matching reason (E11/E12, E45-E48, E41).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class AdoptionDecision(VersionedModel):
    """The agency decision maker's decision that the child should be placed for adoption."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="adoption_decisions"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="adoption_decisions")
    decided_on = models.DateField(help_text="903 DATE_PLACED / AD1 DATE_INT.")
    ceased_on = models.DateField(null=True, blank=True, help_text="903 DATE_PLACED_CEASED.")
    ceased_reason = models.CharField(max_length=3, blank=True, help_text="903 REASON_PLACED_CEASED.")
    # The match with adopters (AD1).
    matched_on = models.DateField(null=True, blank=True, help_text="903 DATE_MATCH.")
    household = models.ForeignKey(
        "looked_after.CarerHousehold", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopter_count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="903 NB_ADOPTR.")
    adopter_sex = models.CharField(max_length=2, blank=True, help_text="903 SEX_ADOPTR.")
    adopter_legal_status = models.CharField(max_length=3, blank=True, help_text="903 LS_ADOPTR.")
    fostered_by_adopters = models.BooleanField(default=False, help_text="903 FOSTER_CARE.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ceased_on__isnull=True), name="la_one_live_adoption_decision"
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True, ceased_reason="")
                | (Q(ceased_on__isnull=False) & ~Q(ceased_reason="")),
                name="la_adoption_ceased_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(matched_on__isnull=True) | Q(matched_on__gte=models.F("decided_on")),
                name="la_match_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Should be placed for adoption ({self.decided_on:%d %b %Y})"


class PermanenceOrder(VersionedModel):
    """An order that gives the child permanence outside care."""

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="orders"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="permanence_orders")
    kind = models.CharField(max_length=10, help_text="PermanenceOrderKind.")
    made_on = models.DateField()
    to_former_foster_carers = models.BooleanField(default=False)
    carers_are_relatives = models.BooleanField(default=False, help_text="Relatives or friends (SGO E45/E47).")
    consent_dispensed = models.BooleanField(
        default=False, help_text="Adoption: consent dispensed with (E12)."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["made_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.kind} order of {self.made_on:%d %b %Y}"


class SiblingPlacementDecision(VersionedModel):
    """The decision, after a together-or-apart assessment, to place a child with or apart from the
    brothers and sisters named (people records), and why.
    """

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="sibling_decisions"
    )
    decided_on = models.DateField()
    decision = models.CharField(max_length=10, help_text="SiblingDecision.")
    siblings = models.ManyToManyField("people.Person", related_name="+")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "created_at"]

    def __str__(self) -> str:
        return f"Siblings: {self.decision} ({self.decided_on:%d %b %Y})"
