"""The child population that rates per 10,000 are worked out against (ADR 0009, decision 7)."""

from django.core.validators import MinValueValidator
from django.db import models

from safehub.platform.models.base import BaseModel


class PopulationEstimate(BaseModel):
    """The ONS mid-year estimate of children under 18 in the council's area, used for the
    collection year ending 31 March `year` (the DfE releases use the mid-year estimate of the
    year before). One per year; setting it again replaces it."""

    year = models.PositiveSmallIntegerField(unique=True)
    children = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [models.CheckConstraint(condition=models.Q(children__gt=0), name="population_positive")]

    def __str__(self) -> str:
        return f"{self.children:,} children under 18 (year ending 31 March {self.year})"
