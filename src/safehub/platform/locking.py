"""Optimistic locking that works on SQLite and PostgreSQL (R49).

The check and the write happen in one transaction that holds the row: PostgreSQL by
`SELECT ... FOR UPDATE`, SQLite because Safehub opens every transaction with BEGIN IMMEDIATE
(the database write lock). The save goes through `Model.save()`, so django-simple-history still
records the change; no `QuerySet.update()` bypasses it.
"""

from typing import TypeVar

from django.db import transaction

from .errors import ConflictError
from .models import VersionedModel

M = TypeVar("M", bound=VersionedModel)


def save_versioned(instance: M, *, expected_version: int, actor: object) -> M:
    """Save `instance` if nobody saved it since `expected_version` was read; else ConflictError."""
    model = type(instance)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != expected_version:
            raise ConflictError(
                instance=instance,
                expected_version=expected_version,
                current_version=current.version,
                changed_by=str(current.updated_by) if current.updated_by_id else None,
                changed_at=current.updated_at,
                changes=_diff(current, instance),
            )
        instance.version = current.version + 1
        instance.updated_by = actor  # type: ignore[assignment]
        instance.full_clean()
        instance.save()
    return instance


def _diff(theirs: VersionedModel, mine: VersionedModel) -> dict[str, tuple[object, object]]:
    """Field by field, what the other user saved against what this user is trying to save."""
    skip = {"id", "version", "updated_at", "created_at", "updated_by"}
    changes: dict[str, tuple[object, object]] = {}
    for field in theirs._meta.concrete_fields:
        if field.name in skip:
            continue
        a, b = field.value_from_object(theirs), field.value_from_object(mine)
        if a != b:
            changes[str(field.verbose_name)] = (a, b)
    return changes
