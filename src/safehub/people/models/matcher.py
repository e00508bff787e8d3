"""The trained match weights (issue 3, item 3; docs/adr/0002-person-matching.md section 7)."""

from django.conf import settings
from django.db import models

from safehub.platform.models import BaseModel


class MatcherModel(BaseModel):
    """One trained version of the Fellegi-Sunter model: Splink's settings and our weight table.

    Rows are never edited after training except to move `is_active`, which the activation service
    does (audited). Exactly one row may be active; when none is, the scorer uses the built-in
    defaults (version 0, `safehub.people.matching.defaults`).
    """

    version = models.PositiveIntegerField(unique=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    splink_version = models.CharField(max_length=20)
    # Splink's `save_model_to_json()`, with the identifier u values filled in by hand (ADR s.7), so
    # `Linker(sdf, settings)` predicts with exactly the weights the interactive scorer uses.
    settings = models.JSONField()
    # {"prior": log2(lambda/(1-lambda)), "comparisons": {name: [{"label", "weight"}, ...]}}: the
    # non-null levels in Splink's order, each with log2(m/u).
    weights = models.JSONField()
    metrics = models.JSONField(default=dict)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="matcher_model_one_active",
                violation_error_message="Only one matcher model can be active.",
            ),
        ]

    def __str__(self) -> str:
        return f"Matcher model v{self.version}{' (active)' if self.is_active else ''}"
