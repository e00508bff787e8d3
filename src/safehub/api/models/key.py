"""Keys that partner systems use to call the API (R24)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from safehub.platform import clock
from safehub.platform.models import BaseModel

from ..constants import PREFIX_LENGTH, KeyStatus, Scope


class ApiKey(BaseModel):
    """A credential for a machine client. It acts as `user`, so that user's role and the access
    policies decide what it may see, exactly as on every other channel; `scopes` only narrow that.

    The secret is shown once when the key is made and never stored: `key_hash` is its SHA-256.
    Not history-tracked: every change (create, revoke) is an audit event, and `last_used_at` is a
    bookkeeping column updated in place.
    """

    name = models.CharField(max_length=100, help_text="What the key is for, e.g. 'Police MASH feed'.")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="api_keys")
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name="acting user",
        help_text="The system user whose role and access the key uses.",
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"
        constraints = [
            # Separation of duties (R26): whoever makes a key cannot make it act as themselves.
            models.CheckConstraint(condition=~Q(user=F("created_by")), name="api_key_not_self_acting"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not isinstance(self.scopes, list) or not self.scopes:
            errors["scopes"] = ["Choose at least one scope."]
        else:
            unknown = sorted({str(s) for s in self.scopes} - set(Scope.values))
            if unknown:
                errors["scopes"] = [f"Unknown scope: {', '.join(unknown)}."]
            elif len(set(self.scopes)) != len(self.scopes):
                errors["scopes"] = ["Each scope may be listed once."]
        if errors:
            raise ValidationError(errors)

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return KeyStatus.REVOKED
        if self.expires_at <= clock.now():
            return KeyStatus.EXPIRED
        return KeyStatus.ACTIVE

    def get_status_display(self) -> str:
        return KeyStatus(self.status).label

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
