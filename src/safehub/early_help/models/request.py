"""A partner's request for support, sent straight to the early help team (issue 9, item 1).

The requester (a school, a health visitor) may not search Safehub's people: the request carries
the family's details as the partner knows them, and the early help practitioner who accepts it
finds or records the people, so a duplicate child is never created by a partner.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.platform.models import VersionedModel

from ..constants import RequestStatus


class SupportRequest(VersionedModel):
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    child_first_name = models.CharField(max_length=100)
    child_last_name = models.CharField(max_length=100)
    child_date_of_birth = models.DateField()
    other_children = models.TextField(blank=True, help_text="Brothers and sisters: names and dates of birth.")
    parent_carer_names = models.TextField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    needs = models.JSONField(default=list, blank=True, help_text="NeedArea codes.")
    reason = models.TextField(help_text="What the family needs help with, and what has been tried.")
    family_consents = models.BooleanField(
        help_text="The family agreed to this request: early help is offered with consent."
    )
    willing_to_lead = models.BooleanField(
        default=False, help_text="The requester is willing to be the lead professional."
    )
    submitted_on = models.DateField()
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    episode = models.OneToOneField(
        "early_help.EarlyHelpEpisode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_request",
    )

    class Meta:
        ordering = ["submitted_on", "created_at"]
        constraints = [
            # Without consent this is not an early help request: a worry about safety goes to the
            # front door as a referral instead (services say so at the field).
            models.CheckConstraint(condition=Q(family_consents=True), name="eh_request_has_consent"),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.SUBMITTED, decided_on__isnull=True)
                | (~Q(status=RequestStatus.SUBMITTED) & Q(decided_on__isnull=False)),
                name="eh_request_decided_when_not_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.ACCEPTED) | Q(episode__isnull=False),
                name="eh_accepted_request_has_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"Request for support of {self.submitted_on:%d %b %Y}"
