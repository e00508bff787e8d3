"""The child identifier a council submits in every return (CIN LAchildID, 903 CHILD)."""

from django.core.validators import RegexValidator
from django.db import models

from safehub.platform.models import BaseModel

from ..constants import CHILD_ID_PATTERN, ChildIdSource

child_id_validator = RegexValidator(
    CHILD_ID_PATTERN, "A child's return id is at most 20 letters and digits (CIN rules 1570 and 1580)."
)


class ChildReturnId(BaseModel):
    """One person's id in the returns, kept for life and never given to anyone else.

    An imported person keeps their SSD `pers_person_id`; anyone else gets the next allocated id
    the first time a return or extract names them. Rows are never deleted, so an id is never
    reused; when two records are merged, the survivor's id is the one submitted from then on.
    """

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="return_id")
    child_id = models.CharField(max_length=20, unique=True, validators=[child_id_validator])
    source = models.CharField(max_length=10, choices=ChildIdSource.choices)

    class Meta:
        verbose_name = "child return id"


class ChildIdSequence(models.Model):
    """The counter behind allocated ids: only ever goes up, read and bumped under a row lock."""

    name = models.CharField(max_length=20, primary_key=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_value}"
