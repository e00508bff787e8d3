"""Care leavers: eligibility, personal adviser, pathway plan reviews and keeping in touch (issue 6, item 7).

903 OC3 asks, for each young person who turns 17 to 21 in the year, whether the council was in touch
around the birthday (3 months before to 1 month after), their activity and accommodation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class CareLeaver(VersionedModel):
    """A young person the council has leaving-care duties to, on a casework involvement."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_leaver_records")
    involvement = models.OneToOneField(
        "casework.Involvement", on_delete=models.PROTECT, related_name="care_leaver"
    )
    category = models.CharField(max_length=16, help_text="LeaverCategory.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, blank=True, help_text="Why the record closed.")
    personal_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pathway_plan_on = models.DateField(null=True, blank=True, help_text="Pathway plan first agreed.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="la_one_open_care_leaver_record"
            ),
        ]

    def __str__(self) -> str:
        return f"Care leaver from {self.started_on:%d %b %Y}"


class CareLeaverContact(VersionedModel):
    """Keeping in touch: a contact, with what 903 OC3 asks (IN_TOUCH, ACTIV, ACCOM)."""

    care_leaver = models.ForeignKey(CareLeaver, on_delete=models.PROTECT, related_name="contacts")
    contact_on = models.DateField()
    in_touch = models.CharField(max_length=4, help_text="903 IN_TOUCH.")
    activity = models.CharField(max_length=2, blank=True, help_text="903 ACTIV.")
    accommodation = models.CharField(max_length=2, blank=True, help_text="903 ACCOM: letter and suitability.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["contact_on", "created_at"]

    def __str__(self) -> str:
        return f"Contact of {self.contact_on:%d %b %Y}"


class PathwayPlanReview(VersionedModel):
    """A review of the pathway plan (at least every 6 months)."""

    care_leaver = models.ForeignKey(CareLeaver, on_delete=models.PROTECT, related_name="pathway_reviews")
    reviewed_on = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewed_on", "created_at"]

    def __str__(self) -> str:
        return f"Pathway plan review of {self.reviewed_on:%d %b %Y}"
