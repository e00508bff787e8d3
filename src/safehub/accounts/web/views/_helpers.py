"""Small pieces every administration view shares."""

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.platform.errors import ConflictError

F = TypeVar("F", bound=forms.BaseForm)


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors at the field that caused them, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def conflict_message(error: ConflictError) -> str:
    """ "changed by X at T" in local time (R49)."""
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
    return f"This record was changed by {who}{when} after you opened it. Check their changes below, then save again."


def conflict_rows(error: ConflictError) -> list[tuple[str, str, str]]:
    def show(value: Any) -> str:
        return "(none)" if value in (None, "") else str(value)

    return [
        (str(field).capitalize(), show(theirs), show(mine)) for field, (theirs, mine) in error.changes.items()
    ]


def rebind_with_version(form_class: type[F], data: Any, version: int, **kwargs: Any) -> F:
    """The user's own input again, now carrying the version they have seen, so a second save is a
    deliberate choice to replace the other person's change."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form
