"""Identifiers a person carries: national numbers and each agency's own references."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import VersionedModel

from .. import identifiers
from ..constants import AGENCY_IDENTIFIER_KINDS, NATIONAL_IDENTIFIER_KINDS, IdentifierKind
from .person import Person

_CHECKED: dict[str, Callable[[str], str]] = {
    IdentifierKind.NHS_NUMBER: identifiers.validate_nhs_number,
    IdentifierKind.UPN: identifiers.validate_upn,
    IdentifierKind.FORMER_UPN: identifiers.validate_upn,
}


def normalise_identifier(kind: str, value: str) -> str:
    """The one spelling stored and compared; ValidationError (with the reason) if it is not valid."""
    check = _CHECKED.get(kind)
    if check is not None:
        return check(value)
    value = (value or "").strip()
    if not value:
        raise ValidationError("Enter the identifier.")
    return value


class PersonIdentifier(VersionedModel):
    """Removal is soft (`removed_at` and a reason): a wrong identifier once recorded stays on the record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(max_length=64)
    issuing_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # False when the issuer says the identifier is no longer good (e.g. a superseded number).
    valid = models.BooleanField(default=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "kind", "value"]
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=models.Q(kind__in=sorted(NATIONAL_IDENTIFIER_KINDS), removed_at__isnull=True),
                name="person_identifier_national_unique",
                violation_error_message="Another person already holds this identifier.",
            ),
            models.UniqueConstraint(
                fields=["kind", "issuing_agency", "value"],
                condition=models.Q(kind__in=sorted(AGENCY_IDENTIFIER_KINDS), removed_at__isnull=True),
                name="person_identifier_agency_unique",
                violation_error_message="Someone already holds this identifier from this agency.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(AGENCY_IDENTIFIER_KINDS))
                | models.Q(issuing_agency__isnull=False),
                name="person_identifier_agency_required",
                violation_error_message="Say which agency issued this identifier.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.kind:
            try:
                self.value = normalise_identifier(self.kind, self.value)
            except ValidationError as error:
                errors["value"] = error.messages
        if self.kind in AGENCY_IDENTIFIER_KINDS and self.issuing_agency_id is None:
            errors["issuing_agency"] = ["Say which agency issued this identifier."]
        if errors:
            raise ValidationError(errors)
