"""Missing and away episodes, and unaccompanied asylum-seeking status (issue 6, items 4 and 5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel


class MissingEpisode(VersionedModel):
    """A time the child was missing or away from placement (903 Missing: MISSING, MIS_START, MIS_END),
    with the return home interview offered and whether the child took it up.
    """

    period = models.ForeignKey(
        "looked_after.LookedAfterPeriod", on_delete=models.PROTECT, related_name="missing_episodes"
    )
    kind = models.CharField(max_length=1, help_text="903 MISSING: M or A.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    interview_offered_on = models.DateField(null=True, blank=True)
    interview_accepted = models.BooleanField(null=True, blank=True)
    interview_held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="la_missing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.started_on:%d %b %Y}"


class UascStatus(VersionedModel):
    """The child is an unaccompanied asylum-seeking child; `ceased_on` is 903 DUC, the date that
    status ends (a grant of leave, or the 18th birthday).
    """

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="uasc_status")
    started_on = models.DateField()
    ceased_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("started_on")),
                name="la_uasc_ceases_after_start",
            ),
        ]

    def __str__(self) -> str:
        return "Unaccompanied asylum-seeking child"
