"""The DfE children's social care API feed: what was last sent per child, and each batch."""

from django.conf import settings
from django.db import models

from safehub.platform.models import BaseModel

from ..constants import FeedBatchStatus, FeedMode


class FeedState(models.Model):
    """The last payload sent (or written, in a dry run) for a child: the delta is the difference."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="+")
    child_id = models.CharField(max_length=20)
    payload_hash = models.CharField(max_length=64)
    payload = models.JSONField()
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"feed state {self.child_id}"


class FeedBatch(BaseModel):
    mode = models.CharField(max_length=10, choices=FeedMode.choices)
    status = models.CharField(max_length=10, choices=FeedBatchStatus.choices)
    records = models.PositiveIntegerField(default=0)
    purged = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where a dry run wrote the batch, or what the service answered (ids and timestamps only).
    written_to = models.CharField(max_length=500, blank=True)
    response = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
