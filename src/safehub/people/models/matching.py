"""Blocking keys: the cheap exact values the matcher looks candidates up by (issue 3, item 3)."""

from django.db import models

from .person import Person


class PersonMatchKey(models.Model):
    """Derived data, rebuilt by `person_refresh_match_keys` whenever its inputs change.

    Not history-tracked and not versioned: it is an index held in the database (so matching needs no
    search server), never edited by a person.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "value"], name="person_match_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"
