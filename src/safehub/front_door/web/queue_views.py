"""The MASH queue (issue 4, item 4): open contacts, nearest to breaching its clock first.

The filters are codes in the query string, never personal data (R4). The table refreshes itself
every minute through htmx (the partial is the same view, asked with the HX-Request header), so
a forecast of "breaches in 40 minutes" does not go stale on a screen left open.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability
from safehub.platform.web.permissions import capability_required

from ..selectors.contacts import contact_queue_page, queue_summary
from . import presenters
from .contact_forms import QueueFilterForm


@capability_required(Capability.VIEW_CONTACTS)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {"status": "", "rag": ""}
    page = contact_queue_page(
        actor=actor, status=filters["status"], rag=filters["rag"], page=form.page_number()
    )
    rows = [
        {
            "row": row,
            "rag": presenters.rag_tag(row.contact.rag),
            "received": presenters.format_datetime(row.contact.received_at),
        }
        for row in page.rows
    ]
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "query": request.GET.urlencode(),
        "can_record": actor.has_capability(Capability.RECORD_CONTACTS),
        "can_manage_clocks": actor.has_capability(Capability.MANAGE_CLOCKS),
        "filtered": any(filters.values()),
    }
    if getattr(request, "htmx", False):
        return render(request, "front_door/queue/_table.html", context)
    context["summary"] = queue_summary(actor=actor)
    return render(request, "front_door/queue/queue.html", context)
