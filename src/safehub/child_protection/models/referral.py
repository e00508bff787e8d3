"""A referral (a CIN episode in the census) and its assessments (issue 5, item 1)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from ..constants import AssessmentOutcome


class Referral(VersionedModel):
    """A contact accepted for a statutory response: one CIN episode, from referral to closure.

    A child has at most one open referral (CIN census rule 8815), enforced by the database.
    `nfa` is the census ReferralNFA: the referral closed with no further action and no activity.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    involvement = models.OneToOneField(
        "casework.Involvement", on_delete=models.PROTECT, related_name="referral"
    )
    referral_date = models.DateField()
    source = models.CharField(max_length=4, help_text="CIN census ReferralSource code.")
    primary_need = models.CharField(max_length=4, blank=True, help_text="CIN census PrimaryNeedCode.")
    summary = models.TextField(blank=True)
    mash_reference = models.CharField(max_length=20, blank=True, help_text="The front-door contact, if any.")
    nfa = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=4, blank=True, help_text="CIN census ReasonForClosure.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_on__isnull=True), name="cp_one_open_referral_per_child"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closure_reason="")
                | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
                name="cp_closure_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("referral_date")),
                name="cp_closed_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.referral_date:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Assessment(VersionedModel):
    """A child and family assessment, due 45 working days from the referral (Working Together)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField()
    due_on = models.DateField()
    child_seen_on = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list, blank=True, help_text="CIN census assessment factor codes.")
    summary = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True, help_text="Sent for authorisation.")
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    authorised_on = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_on__isnull=True) | Q(authorised_on__gte=models.F("started_on")),
                name="cp_assessment_authorised_after_start",
            ),
            # One assessment at a time until it is authorised: two quick submits cannot open two.
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(authorised_on__isnull=True),
                name="cp_one_open_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment started {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.authorised_on is None
