"""The partnership's taxonomy of learning themes (issue 10, item 4)."""

from django.db import models

from safehub.platform.models import BaseModel


class Theme(BaseModel):
    """A recurring theme of learning, e.g. "Hidden adults". Configurable by the partnership; a theme
    is retired (`active=False`), never deleted, so earlier reviews keep their themes."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
