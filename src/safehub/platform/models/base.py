"""The base every Safehub table stands on."""

import uuid

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """UUID primary key, so URLs carry opaque ids and never a guessable sequence (R4)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """A record people edit: `version` turns a lost update into a conflict (R49).

    Only `safehub.platform.locking.save_versioned` bumps it.
    """

    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
