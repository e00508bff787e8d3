"""A period of care, its legal statuses and its placements (issue 6, item 1).

The record keeps what a social worker knows: when care started and ended, each legal status from
the day it applied, each placement from the day it started. The 903 episodes (one row per change,
chained by X1) are derived from these (`episodes.py`), so they can never disagree with the record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class LookedAfterPeriod(VersionedModel):
    """One continuous period of being looked after, from entry to leaving care.

    A child has at most one open period (903: one open episode at a time), enforced by the database.
    Every change under the period (legal status, placement, review) bumps its `version`, so two
    workers changing the same child's care at once get a visible conflict (R49).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_periods")
    involvement = models.OneToOneField(
        "casework.Involvement", on_delete=models.PROTECT, related_name="care_period"
    )
    started_on = models.DateField()
    need_code = models.CharField(max_length=2, help_text="903 CIN: category of need, N1-N8.")
    home_postcode = models.CharField(max_length=8, blank=True, help_text="903 HOME_POST.")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=4, blank=True, help_text="903 REC for the last episode.")
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The independent reviewing officer.",
    )
    # 903 PrevPerm: the permanence the child had before this period.
    previous_permanence = models.CharField(max_length=2, blank=True, help_text="903 PREV_PERM.")
    previous_permanence_la = models.CharField(max_length=10, blank=True, help_text="903 LA_PERM.")
    previous_permanence_on = models.DateField(null=True, blank=True, help_text="903 DATE_PERM.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="la_one_open_period_per_child"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="la_period_end_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="la_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Looked after from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class LegalStatus(VersionedModel):
    """A legal status (903 LS) from `started_on` until the next one starts or the period ends."""

    period = models.ForeignKey(LookedAfterPeriod, on_delete=models.PROTECT, related_name="legal_statuses")
    code = models.CharField(max_length=2, help_text="903 LS.")
    started_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "started_on"], name="la_one_legal_status_change_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.started_on:%d %b %Y}"


class Placement(VersionedModel):
    """Where the child lives, from `started_on` to `ended_on` (903 PLACE, PLACE_PROVIDER, URN, PL_POST).

    Placements within a period never overlap and leave no gap: a change ends one and starts the
    next on the same day (checked by `placement_change`). `same_carers` is what 903 RNE T and U
    need: the child moved but stayed with the same carers (worked out from the household when both
    placements have one, else what the worker said).
    """

    period = models.ForeignKey(LookedAfterPeriod, on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # Six letters: the longest code of the list is CUSTOD (custody arrangement).
    end_reason = models.CharField(max_length=6, blank=True, help_text="903 REASON_PLACE_CHANGE.")
    placement_type = models.CharField(max_length=3, help_text="903 PLACE.")
    provider = models.CharField(max_length=3, blank=True, help_text="903 PLACE_PROVIDER.")
    urn = models.CharField(max_length=8, blank=True, help_text="Ofsted unique reference number.")
    postcode = models.CharField(max_length=8, blank=True, help_text="903 PL_POST.")
    household = models.ForeignKey(
        "looked_after.CarerHousehold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    carer_name = models.CharField(
        max_length=120, blank=True, help_text="Provider or carer, if not a household."
    )
    same_carers = models.BooleanField(default=False, help_text="Same carers as the placement before.")
    intended_until_18 = models.BooleanField(
        default=False, help_text="Agreed as the child's home until 18 (regulation 28 visit interval)."
    )
    distance_miles = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, help_text="From the home postcode."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(ended_on__isnull=True), name="la_one_current_placement"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="la_placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["household", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.placement_type} from {self.started_on:%d %b %Y}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class PlacementRequest(VersionedModel):
    """A request to the placements team to find a home: the "children needing placements" side
    of the sufficiency view. It names the kind of household, and how many siblings go together.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placement_requests")
    period = models.ForeignKey(
        LookedAfterPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="placement_requests"
    )
    requested_on = models.DateField()
    needed_by = models.DateField(null=True, blank=True)
    household_kind = models.CharField(max_length=12, help_text="HouseholdKind.")
    sibling_group_size = models.PositiveSmallIntegerField(default=1)
    max_distance_miles = models.PositiveSmallIntegerField(null=True, blank=True)
    needs = models.TextField(blank=True)
    status = models.CharField(max_length=10, default="open", help_text="PlacementRequestStatus.")
    closed_on = models.DateField(null=True, blank=True)
    household = models.ForeignKey(
        "looked_after.CarerHousehold", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sibling_group_size__gte=1) & Q(sibling_group_size__lte=8),
                name="la_request_group_size_1_to_8",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("requested_on")),
                name="la_request_closes_after_request",
            ),
            # One open request per child (two quick submits cannot both open one).
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="la_one_open_request_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"Placement request of {self.requested_on:%d %b %Y}"
