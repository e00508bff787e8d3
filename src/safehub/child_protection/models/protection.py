"""Strategy discussions, section 47 enquiries, conferences, child protection plans and core groups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import ConferenceDecision, ConferenceKind, PlanEndReason, Section47Outcome, StrategyDecision
from .referral import Referral


class StrategyDiscussion(VersionedModel):
    """A multi-agency discussion (at least police, health and social care) on possible significant harm."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField()
    decision = models.CharField(max_length=20, choices=StrategyDecision.choices)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "created_at"]

    def __str__(self) -> str:
        return f"Strategy discussion {self.held_on:%d %b %Y}"


class StrategyAttendee(BaseModel):
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(max_length=200, help_text="As recorded, kept if the agency is renamed.")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["agency_name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_name})"


class Section47Enquiry(VersionedModel):
    """A s47 enquiry, started by a strategy discussion. The ICPC is due 15 working days from that
    discussion (Working Together); `icpc_due_on` is stored and recomputed with the calendar.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="section47_enquiries")
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="section47_enquiry"
    )
    started_on = models.DateField()
    icpc_due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Section47Outcome.choices, blank=True)
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, outcome="")
                | (Q(completed_on__isnull=False) & ~Q(outcome="")),
                name="cp_s47_outcome_with_completion",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                name="cp_s47_completed_after_start",
            ),
            # One enquiry at a time until its outcome is recorded: two quick submits cannot open two.
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(completed_on__isnull=True),
                name="cp_one_open_s47",
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry started {self.started_on:%d %b %Y}"

    @property
    def conference_required(self) -> bool | None:
        if not self.outcome:
            return None
        return self.outcome == Section47Outcome.CONFERENCE


class ChildProtectionPlan(VersionedModel):
    """A child protection plan. Only a conference decision starts one (initial or transfer-in)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="cp_plans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cp_plans")
    started_on = models.DateField()
    initial_category = models.CharField(max_length=4, help_text="CIN census category of abuse.")
    latest_category = models.CharField(max_length=4)
    unborn_at_start = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=PlanEndReason.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="cp_one_open_plan_per_child"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="cp_plan_end_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cp_plan_ended_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Conference(VersionedModel):
    """An initial, review or transfer-in conference: scheduled (due, maybe a date), then held with a decision."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=20, choices=ConferenceKind.choices)
    section47 = models.ForeignKey(
        Section47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    due_on = models.DateField(null=True, blank=True)
    scheduled_on = models.DateField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=ConferenceDecision.choices, blank=True)
    category = models.CharField(max_length=4, blank=True, help_text="Category of abuse decided, for a plan.")
    quorate = models.BooleanField(null=True, blank=True)
    summary = models.TextField(blank=True)
    # An initial conference that will not be held after all (the family moved away before it):
    # for the census the enquiry then needed no ICPC (ICPCnotRequired).
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__isnull=True, decision="") | (Q(held_on__isnull=False) & ~Q(decision="")),
                name="cp_conference_decision_when_held",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | Q(held_on__isnull=True),
                name="cp_conference_held_or_cancelled",
            ),
        ]

    def __str__(self) -> str:
        when = self.held_on or self.scheduled_on or self.due_on
        return f"{self.get_kind_display()}" + (f" {when:%d %b %Y}" if when else "")


class CoreGroupMeeting(BaseModel):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_groups")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "created_at"]

    def __str__(self) -> str:
        return f"Core group {self.held_on:%d %b %Y}"
