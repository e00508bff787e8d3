"""An early help episode: a family's support from request to closure (issue 9, items 1, 2 and 5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import ConsentState, EndReason, EpisodeSource, MemberRole, StepDirection


class EarlyHelpEpisode(VersionedModel):
    """One family's early help, from the day it opened to the day it closed.

    The family is its members (`EpisodeMember`); each child in it also has a casework
    `Involvement`, so early help shows on the child's record and in caseloads like any other
    service. The lead professional may work for a school, a health service or a voluntary
    organisation: partners see the episodes they are members of and nothing else (policies.py).
    """

    family_name = models.CharField(
        max_length=120, help_text='How the team refers to the family ("the Ahmed family").'
    )
    source = models.CharField(max_length=20, choices=EpisodeSource.choices)
    source_reference = models.CharField(
        max_length=40, blank=True, help_text="The front-door contact, referral or request it came from."
    )
    reason = models.TextField(help_text="Why the family needs early help, in plain words.")
    opened_on = models.DateField()
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="early_help_episodes")
    organisation = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="led_early_help_episodes",
        help_text="The lead professional's organisation.",
    )
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_down_handover = models.TextField(
        blank=True, help_text="The social worker's handover, for a step-down from social care."
    )
    closed_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    closure_summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "family_name"]
        indexes = [models.Index(fields=["team", "closed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, end_reason="")
                | (Q(closed_on__isnull=False) & ~Q(end_reason="")),
                name="eh_closure_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="eh_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"Early help for {self.family_name} from {self.opened_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class EpisodeMember(BaseModel):
    """A child or adult in the family. A child's row points at the involvement opened for them."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="early_help_memberships"
    )
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    involvement = models.OneToOneField(
        "casework.Involvement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="early_help_member",
    )
    # The order the family was recorded in. The first child carries the family's clock tasks
    # (ADR 0007 §1), so "first" must not depend on timestamps that can tie.
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "person"], name="eh_member_once_per_episode"),
            models.CheckConstraint(
                condition=Q(role=MemberRole.CHILD) | Q(involvement__isnull=True),
                name="eh_only_children_have_involvements",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.episode_id}"


class EarlyHelpAssessment(VersionedModel):
    """The family's strengths and needs, in their own words as well as the practitioner's."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField()
    strengths = models.TextField(blank=True)
    needs = models.JSONField(default=list, blank=True, help_text="NeedArea codes.")
    needs_summary = models.TextField(blank=True)
    family_views = models.TextField(blank=True, help_text="The family's own words.")
    child_views = models.TextField(blank=True, help_text="The child's or young person's own words.")
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                name="eh_assessment_completed_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"Early help assessment started {self.started_on:%d %b %Y}"


class Consent(BaseModel):
    """One change in the family's consent to the early help offer. Never edited: the latest row is
    the current state, and a withdrawal says what happens next (`next_steps`)."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="consents")
    state = models.CharField(max_length=20, choices=ConsentState.choices)
    given_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField()
    scope = models.TextField(
        blank=True, help_text="What the family agreed to: who may share what, with whom."
    )
    next_steps = models.TextField(
        blank=True, help_text="What happens now that consent was declined or withdrawn."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ConsentState.GIVEN) | ~Q(next_steps=""),
                name="eh_consent_refusal_says_what_next",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} on {self.recorded_on:%d %b %Y}"


class Step(BaseModel):
    """A step-up to the front door or a step-down from social care, kept so their timeliness can be
    reported: `requested_on` is when one service asked, `completed_on` when the other took it on.

    A step-down is asked for before its episode exists (the episode is opened when early help
    accepts it), so `episode` is empty until then and `person` names the child.
    """

    direction = models.CharField(max_length=4, choices=StepDirection.choices)
    episode = models.ForeignKey(
        EarlyHelpEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    reason = models.TextField(help_text="Why; for a step-down, the social worker's handover.")
    other_reference = models.CharField(
        max_length=40, blank=True, help_text="The front-door contact (up) or the referral (down)."
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["requested_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("requested_on")),
                name="eh_step_completed_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(direction=StepDirection.DOWN) | Q(episode__isnull=False),
                name="eh_step_up_has_episode",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(episode__isnull=False),
                name="eh_completed_step_has_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on {self.requested_on:%d %b %Y}"
