"""Reviews: rapid, local and national practice reviews, legacy serious case reviews; the people on
them, their milestones, the agencies' information returns and what they found (issue 10, item 2)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import RapidReviewDecision, ReturnStatus, ReviewerRole, ReviewKind, ReviewStatus
from .incident import SeriousIncident
from .themes import Theme


class Review(VersionedModel):
    """A review of a serious incident. Outside the partnership it is known only by its anonymised
    `subject_label` ("Child F"), which the services refuse if it would reveal the child's name.

    A rapid review belongs to an incident and ends in a `decision`; a local review it commissions
    points back to it (`commissioned_from`). Legacy serious case reviews may have no incident.
    """

    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    incident = models.ForeignKey(
        SeriousIncident, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    commissioned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="commissioned"
    )
    subject_label = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS)
    started_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=30, choices=RapidReviewDecision.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision_rationale = models.TextField(blank=True)
    published_on = models.DateField(null=True, blank=True)
    publication_url = models.URLField(blank=True)
    summary = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="reviews")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(kind=ReviewKind.RAPID),
                name="lq_one_rapid_review_per_incident",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(kind=ReviewKind.RAPID), name="lq_decision_only_on_rapid_review"
            ),
            models.CheckConstraint(
                condition=Q(decision="", decision_on__isnull=True)
                | (~Q(decision="") & Q(decision_on__isnull=False)),
                name="lq_decision_has_date",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="lq_review_completed_after_start",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | Q(completed_on__isnull=False, published_on__gte=F("completed_on")),
                name="lq_published_after_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label}"


class ReviewMember(BaseModel):
    """A reviewer or panel member; someone outside Safehub is on the record by name."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20, choices=ReviewerRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ReviewMilestone(BaseModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "name"]

    def __str__(self) -> str:
        return self.name


class AgencyReturn(VersionedModel):
    """What one agency knew of the child and family, asked for by a rapid review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="returns")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    requested_on = models.DateField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    response = models.TextField(blank=True)
    received_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chased_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="lq_one_return_per_agency"),
            models.CheckConstraint(
                condition=Q(status=ReturnStatus.REQUESTED, received_on__isnull=True)
                | Q(status=ReturnStatus.RECEIVED, received_on__isnull=False),
                name="lq_return_received_has_date",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_on"], name="lq_return_agency_idx")]

    def __str__(self) -> str:
        return f"{self.review} → {self.agency}"


class Finding(BaseModel):
    """What a review found, tagged with the themes it shows."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField()
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Recommendation(VersionedModel):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="lq_recommendation_number_once"),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"
