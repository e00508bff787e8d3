"""Blocking keys: the cheap exact values the matcher looks candidates up by (ADR 0002, section 2)."""

from django.db import models

from .person import Person


class PersonMatchKey(models.Model):
    """Derived data, rebuilt by `person_refresh_match_keys` whenever its inputs change.

    Not history-tracked and not versioned: it is an index held in the database (so matching needs no
    search server), never edited by a person. Kinds and values: `normalise.stored_keys`.
    """

    # No index of its own: the unique constraint below starts with the person, and serves the
    # "delete this person's keys" of every refresh. One index fewer to maintain on a 1M-row import.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys", db_index=False)
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=64)

    class Meta:
        # The search reads only (kind, value) -> person: with the person in the index, that lookup
        # never touches the table (an index-only scan on PostgreSQL, a covering index on SQLite).
        indexes = [models.Index(fields=["kind", "value", "person"], name="person_match_key_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "value"], name="person_match_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"
