"""Errors every layer understands."""

from datetime import datetime

from django.http import Http404


class NotFoundOrForbidden(Http404):
    """One answer for "does not exist" and "you may not see it", so ids cannot be probed (R19)."""

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class PermissionRefused(Exception):
    """A function-level permission the actor lacks (renders as 403, R18)."""


class ConflictError(Exception):
    """Someone else saved the record after this user loaded it (R49)."""

    def __init__(
        self,
        *,
        instance: object,
        expected_version: int,
        current_version: int,
        changed_by: str | None,
        changed_at: datetime | None,
        changes: dict[str, tuple[object, object]] | None = None,
    ) -> None:
        self.instance = instance
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changes = changes or {}
        who = changed_by or "another user"
        when = f" at {changed_at:%H:%M on %d %B %Y}" if changed_at else ""
        super().__init__(
            f"This record was changed by {who}{when} after you opened it. "
            "Review their changes, then make yours again."
        )
