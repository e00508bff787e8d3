"""The append-only, hash-chained audit trail (R27-R29)."""

from django.db import models

from ..constants import Outcome


class AuditEvent(models.Model):
    """One access to, or change of, personal data or security state.

    Rows are only ever inserted: database triggers refuse UPDATE and DELETE on both backends, and
    on PostgreSQL the application role has no UPDATE, DELETE or TRUNCATE privilege on this table.
    `hash` chains each row to the one before under a key held outside the database, so a change
    made by someone who bypasses both is still detected by `verify_audit_chain`.

    The payload never holds record content: ids, types and reasons only.
    """

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=30, blank=True)
    actor_agency_id = models.UUIDField(null=True, blank=True)
    verb = models.CharField(max_length=40, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    section = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    channel = models.CharField(max_length=20, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    session_hash = models.CharField(max_length=64, blank=True)
    # Ids of the records in a result set, for list/search events; never their content.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label or 'system'} {self.verb} {self.object_type} {self.object_id}"


class AuditChainHead(models.Model):
    """A single row that serialises appends: each append locks it, reads the head, moves it on."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at #{self.seq}"
