"""Screening: the MASH manager sets or changes a contact's RAG rating (issue 4, item 4).

The form carries the version the manager read; if someone rated the contact meanwhile, the
manager sees who and when, with the current rating, and decides again (R49).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from .. import clocks
from ..constants import RAG_CLOCK
from ..selectors.contacts import contact_get
from ..services.screening import rag_set
from . import presenters
from .contact_forms import RagForm


def _conflict_message(error: ConflictError) -> str:
    who = error.changed_by or "another user"
    when = f" at {presenters.format_datetime(error.changed_at)}" if error.changed_at else ""
    return (
        f"This contact was changed by {who}{when} after you opened it. Check its rating now, then save again."
    )


@capability_required(Capability.SCREEN_CONTACTS)
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    contact = contact_get(actor=actor, id=id, action="rate")
    settings = clocks.settings_map()
    words = {rag: clocks.describe(key, settings) for rag, key in RAG_CLOCK.items()}
    if request.method != "POST":
        form = RagForm(initial={"rag": contact.rag, "version": contact.version}, clock_words=words)
    else:
        form = RagForm(request.POST, clock_words=words)
        if form.is_valid():
            try:
                rag_set(
                    actor=actor,
                    contact=contact,
                    rag=form.cleaned_data["rag"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                # Show the rating as it is now, and let the manager decide again on that version.
                contact = contact_get(actor=actor, id=id, action="rate")
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = RagForm(data, clock_words=words)
                form.is_valid()
                form.add_error(None, _conflict_message(error))
            except ValidationError as error:
                for field, msgs in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                messages.success(request, f"{contact.reference} is now {contact.get_rag_display().lower()}.")
                return redirect("front_door:contact", id=contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "current": presenters.rag_tag(contact.rag),
        "changing": bool(contact.rag),
    }
    return render(request, "front_door/contact/rate.html", context)
