"""Date-range rules shared by every dated record of a person (names, addresses, relationships...)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models


def check_period(start: date | None, end: date | None, *, start_field: str, end_field: str) -> None:
    """The end of a period is on or after its start; the error lands on the end field."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {end_field: f"The end date must be on or after the start date ({start:%d/%m/%Y})."}
        )


def period_constraint(start_field: str, end_field: str, name: str) -> models.CheckConstraint:
    """The same rule in the database, so a write that bypasses validation still cannot break it."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{start_field}__isnull": True})
        | models.Q(**{f"{end_field}__isnull": True})
        | models.Q(**{f"{end_field}__gte": models.F(start_field)}),
        name=name,
        violation_error_message="The end date must be on or after the start date.",
    )
