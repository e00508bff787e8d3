"""A partner's request for support: the requester's list and form, and the early help team's
accept and decline pages (issue 9, item 1; ADR 0007 §7).

The requester (a school, a health visitor) may not search people: the request carries the family
as they know them. The practitioner who accepts it chooses the child from the person index's
match candidates, or records a new person, so a partner never creates a duplicate child.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.services.match import person_match
from safehub.people.services.person import person_create
from safehub.platform.web.permissions import capability_required

from ..constants import NeedArea, RequestStatus
from ..selectors import support_request_get, support_requests_mine
from ..services.requests import support_request_accept, support_request_decline, support_request_submit
from . import presenters
from .forms import add_service_errors, early_help_teams
from .request_forms import NEW_PERSON, DeclineForm, RequestAcceptForm, SupportRequestForm


@capability_required(Capability.REQUEST_EARLY_HELP)
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    rows = [
        {
            "request": r,
            "child": f"{r.child_first_name} {r.child_last_name}",
            "submitted_on": presenters.format_date(r.submitted_on),
            "decided_on": presenters.format_date(r.decided_on),
        }
        for r in support_requests_mine(actor=actor)
    ]
    return render(request, "early_help/requests/mine.html", {"rows": rows})


@capability_required(Capability.REQUEST_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request_submit(
                actor=actor,
                child_first_name=data["child_first_name"],
                child_last_name=data["child_last_name"],
                child_date_of_birth=data["child_date_of_birth"],
                reason=data["reason"],
                family_consents=data["family_consents"],
                other_children=data["other_children"],
                parent_carer_names=data["parent_carer_names"],
                address=data["address"],
                postcode=data["postcode"],
                needs=data["needs"],
                willing_to_lead=data["willing_to_lead"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request for support was sent to the early help team.")
            return redirect("early_help:my_requests")
    return render(request, "early_help/requests/new.html", {"form": form})


def _request_context(support: Any) -> dict[str, Any]:
    return {
        "support": support,
        "child": f"{support.child_first_name} {support.child_last_name}",
        "child_born": presenters.format_date(support.child_date_of_birth),
        "submitted_on": presenters.format_date(support.submitted_on),
        "needs": [NeedArea(n).label for n in support.needs if n in NeedArea.values],
    }


def _candidates(actor: Any, support: Any) -> list[Any]:
    """The person index's best matches for the request's child (audited by the matcher)."""
    query = {
        "given_name": support.child_first_name,
        "family_name": support.child_last_name,
        "date_of_birth": support.child_date_of_birth.isoformat(),
    }
    if support.postcode:
        query["postcode"] = support.postcode
    try:
        return person_match(actor=actor, query=query).candidates
    except ValidationError:
        # A postcode the matcher cannot read should not stop the search by name and birth date.
        query.pop("postcode", None)
        return person_match(actor=actor, query=query).candidates


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def request_accept(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    support = support_request_get(actor=actor, id=id, section="support_request_accept")
    candidates = _candidates(actor, support) if support.status == RequestStatus.SUBMITTED else []
    form = RequestAcceptForm(
        request.POST or None,
        candidates=[c.person for c in candidates],
        teams=early_help_teams(),
        initial={"family_name": f"the {support.child_last_name} family"},
    )
    if request.method == "POST" and support.status == RequestStatus.SUBMITTED and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a child recorded here for a request that is then refused is not
            # left behind in the index as a record nobody asked for.
            with transaction.atomic():
                child = data["person_obj"]
                if data["person"] == NEW_PERSON:
                    child = person_create(
                        actor=actor,
                        given_name=support.child_first_name,
                        family_name=support.child_last_name,
                        date_of_birth=support.child_date_of_birth,
                    )
                episode = support_request_accept(
                    actor=actor,
                    request=support,
                    children=[child],
                    adults=(),
                    team=data["team_obj"],
                    worker=data["worker_obj"],
                    family_name=data["family_name"],
                    reason=data["reason"],
                )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "children" in error.error_dict:
                error.error_dict["person"] = error.error_dict.pop("children")
            add_service_errors(form, error)
        else:
            messages.success(request, f"Early help opened for {episode.family_name}.")
            return redirect("early_help:episode", id=episode.pk)
    context = _request_context(support) | {"form": form, "candidates": candidates}
    return render(request, "early_help/requests/accept.html", context)


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def request_decline(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    support = support_request_get(actor=actor, id=id, section="support_request_decline")
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support_request_decline(actor=actor, request=support, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Request declined. The requester can read why.")
            return redirect("early_help_front_door:request_inbox")
    return render(request, "early_help/requests/decline.html", _request_context(support) | {"form": form})
