"""A person's family network (an SVG genogram with the same data as tables) and their chronology.

Both pages read through the person policy: a person the viewer may not see is a 404 here as on
their own page, and is left out of everyone else's network and chronology (R19, R22).
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability

from ..chronology import chronology_for
from ..network.build import family_network
from ..network.drawing import draw
from ..network.flags import may_see_sensitive
from ..selectors import person_get

CHRONOLOGY_PAGE_SIZE = 25


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_capability(Capability.VIEW_PEOPLE):  # type: ignore[union-attr]
        raise PermissionDenied


@require_GET
@login_required
def network(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    _require_view(request)
    person = person_get(actor=request.user, id=person_id, purpose="family network")
    built = family_network(actor=request.user, person=person)
    context = {
        "person": person,
        "network": built,
        "drawing": draw(built),
        "sees_sensitive": may_see_sensitive(request.user),
    }
    return render(request, "people/network/network.html", context)


@require_GET
@login_required
def chronology(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    _require_view(request)
    person = person_get(actor=request.user, id=person_id, purpose="chronology")
    result = chronology_for(actor=request.user, person=person)
    # An unknown kind (or one with no entries) shows everything rather than an empty page.
    kind = request.GET.get("kind", "")
    if kind not in {k for k, _ in result.kinds}:
        kind = ""
    entries = [e for e in result.entries if e.kind == kind] if kind else result.entries
    page = Paginator(entries, CHRONOLOGY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"person": person, "chronology": result, "page": page, "kind": kind}
    return render(request, "people/network/chronology.html", context)
