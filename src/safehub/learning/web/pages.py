"""The one way every learning form page saves: call the service, put its refusal back at the field
(or the conflict above the form, R49), and say what happened when it worked."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from safehub.platform.errors import ConflictError
from safehub.platform.forms import add_service_errors, show_conflict

from . import presenters


def submit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    *,
    what: str = "This record",
) -> tuple[bool, Any]:
    """On a valid POST, `save(cleaned_data)`; answers (saved, result). Nothing is half-written:
    each service is one transaction, so a refusal leaves the record as it was."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = save(form.cleaned_data)
    except ConflictError as error:
        show_conflict(form, error, presenters.conflict_message(error, what))
    except ValidationError as error:
        add_service_errors(form, error)
    else:
        messages.success(request, done(result))
        return True, result
    return False, None
