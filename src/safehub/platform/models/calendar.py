"""Local closures and openings that England's bank-holiday list does not know about."""

from django.db import models

from .base import VersionedModel

DUPLICATE_DATE_MESSAGE = "There is already a local closure or opening on this date"


class LocalClosure(VersionedModel):
    """A date the council treats differently from the national calendar.

    A closure makes a weekday non-working (e.g. a one-off bank holiday announced after the
    `holidays` package was released, or a council closure day); an opening makes a day working
    that would otherwise not be. Statutory clocks read both.
    """

    class Kind(models.TextChoices):
        CLOSURE = "closure", "Closed (not a working day)"
        OPENING = "opening", "Open (a working day)"

    date = models.DateField(
        unique=True,
        error_messages={"unique": DUPLICATE_DATE_MESSAGE},
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLOSURE)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.get_kind_display()} ({self.reason})"
