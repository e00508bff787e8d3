"""A contact: one concern about one or more children arriving at the front door."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import (
    Channel,
    ConcernCategory,
    ConsentStatus,
    ContactStatus,
    IntakeAlertKind,
    LawfulBasis,
    Outcome,
    Rag,
    SubjectRole,
)


class Contact(VersionedModel):
    # MASH-2026-000123: what the referrer quotes on the phone; the UUID stays the URL key (R4).
    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=30, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_recorded"
    )
    # The portal account that submitted it, if any: the only one who may track it in the portal.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_submitted",
    )

    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer_organisation = models.CharField(
        max_length=200, blank=True, help_text="When the referrer's agency is not one we work with."
    )
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_identity_withheld = models.BooleanField(
        default=False, help_text="The referrer's identity must not be shared with the family."
    )
    referral_source = models.CharField(max_length=3, help_text="CIN census ReferralSource code.")

    summary = models.TextField(help_text="The concern, in the referrer's words where possible.")
    consent = models.CharField(max_length=20, choices=ConsentStatus.choices)
    consent_reason = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    child_not_identified_reason = models.TextField(
        blank=True, help_text="Why no child could be named yet (a 'child not yet identified' contact)."
    )

    status = models.CharField(
        max_length=30, choices=ContactStatus.choices, default=ContactStatus.AWAITING_SCREENING
    )
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    rag_due_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField()
    # The earliest clock still running while the contact is open; null once decided. The queue
    # sorts on it, so it is stored, indexed and recomputed with the clocks (ADR 0003).
    next_due_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    # Partner systems retry: the same (agency, external reference) is the same contact.
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_reference = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "next_due_at"], name="contact_queue_idx"),
            models.Index(fields=["received_at"], name="contact_received_idx"),
            models.Index(fields=["submitted_by", "received_at"], name="contact_submitted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_agency", "external_reference"],
                condition=~Q(external_reference=""),
                name="contact_external_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(rag="") | Q(rag_due_at__isnull=False), name="contact_rag_has_due"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != ContactStatus.DECIDED


class ContactSubject(BaseModel):
    """A person the contact is about or mentions.

    `details` keeps them as the referrer described them (given_name, family_name, date_of_birth,
    expected_date_of_birth, sex, nhs_number, postcode, address_line, as strings). `person` is the
    record in the index, found or created through the matcher: at once when MASH staff record the
    contact, at screening for a portal or API referral, whose sender may not search the index.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subjects")
    role = models.CharField(max_length=30, choices=SubjectRole.choices)
    details = models.JSONField(default=dict)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contact_links"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    # False for someone the MASH added after the contact arrived: the referrer's portal page shows
    # only the people the referrer described.
    from_referrer = models.BooleanField(default=True)

    class Meta:
        ordering = ["contact", "role", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "person"],
                condition=Q(person__isnull=False),
                name="contact_subject_unique",
            ),
        ]
        indexes = [models.Index(fields=["person", "role"], name="contact_subject_person_idx")]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_role_display()}"

    @property
    def described_name(self) -> str:
        given = self.details.get("given_name", "")
        family = self.details.get("family_name", "")
        return f"{given} {family}".strip() or "Name not known"


class ContactConcern(BaseModel):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(max_length=40, choices=ConcernCategory.choices)

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "category"], name="contact_concern_unique"),
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class RagRating(BaseModel):
    """Every rating given to a contact, in order; the first has no reason, every change has one."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="ratings")
    rag = models.CharField(max_length=5, choices=Rag.choices)
    previous = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    reason = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["contact", "created_at"]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_rag_display()}"


class IntakeAlert(BaseModel):
    """Raised when the contact is recorded: repeat contact, several agencies, a flagged adult."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="intake_alerts")
    kind = models.CharField(max_length=30, choices=IntakeAlertKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()

    class Meta:
        ordering = ["contact", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "kind", "person"], name="intake_alert_unique"),
        ]

    def __str__(self) -> str:
        return self.message


class ContactSequence(models.Model):
    """The last reference number issued in a year; incremented under a row lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
