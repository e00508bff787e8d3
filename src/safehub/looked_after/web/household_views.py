"""Households, placement requests with the matching helper, and the sufficiency view (issue 6, item 8).

Writes carry the version the user read; a save over someone else's change is refused with who
changed it and when (R49). The sufficiency page is counts only, for VIEW_SUFFICIENCY holders.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.selectors import person_get, person_search
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import ApprovalStatus, HouseholdKind, PlacementRequestStatus
from ..selectors.households import (
    household_get,
    household_matches,
    household_page,
    period_for_request,
    placement_request_get,
    placement_request_list,
)
from ..selectors.households import (
    household_list as household_rows,
)
from ..selectors.households import (
    sufficiency as sufficiency_figures,
)
from ..services.household import (
    household_carer_add,
    household_create,
    household_status_change,
    household_update,
)
from ..services.placement_request import placement_request_close, placement_request_create
from ..sufficiency import GROUP_BUCKETS, age_on, publish
from . import sufficiency_chart
from .household_forms import (
    CarerChoiceForm,
    CarerSearchForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    HouseholdStatusForm,
    MatchFilterForm,
    PlacementRequestCloseForm,
    PlacementRequestForm,
    SufficiencyForm,
    add_service_errors,
    show_conflict,
)

NS = "looked_after_households"


def _name(person: Any) -> str:
    return f"{person.given_name} {person.family_name}".strip()


def _date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _conflict(error: ConflictError, what: str) -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {_date(local.date())}"
    return f"{what} was changed by {who}{when} after you opened it. Check it now, then save again."


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


# --- households ---------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.VIEW_CASES)
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None)
    rows = household_rows(actor=request.user, filters=form.filters() if form.is_bound else {})
    context = {
        "filter_form": form,
        "rows": [
            {
                "household": h,
                "kind": _label(HouseholdKind, h.kind),
                "status": _label(ApprovalStatus, h.status),
                "vacancies": h.vacancies_now,  # type: ignore[attr-defined]
                "placed": h.placed_now,  # type: ignore[attr-defined]
            }
            for h in rows
        ],
        "may_manage": request.user.has_capability(Capability.MANAGE_HOUSEHOLDS),  # type: ignore[union-attr]
    }
    return render(request, "looked_after/households/list.html", context)


def _search_carers(request: HttpRequest, form: CarerSearchForm) -> tuple[list[Any], bool]:
    if not form.is_valid():
        return [], False
    result = person_search(actor=request.user, criteria=form.criteria())
    today = clock.today()
    people = [
        {"person": p, "name": _name(p), "born": _date(p.date_of_birth), "age": age_on(p.date_of_birth, today)}
        for p in result.people
    ]
    return people, True


@capability_required(Capability.MANAGE_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    """Record a household for its first carer (`?carer=<person id>`, from a search on this page
    or the person page's link). Other carers are added on the household page."""
    actor: Any = request.user
    carer_id = request.GET.get("carer", "")
    try:
        carer = person_get(actor=actor, id=uuid.UUID(carer_id), purpose="household_new") if carer_id else None
    except ValueError:
        carer = None
    if carer is None:
        search = CarerSearchForm(request.POST or None)
        people, searched = _search_carers(request, search) if request.method == "POST" else ([], False)
        context = {"form": search, "people": people, "searched": searched, "household": None}
        return render(request, "looked_after/households/find_carer.html", context)
    form = HouseholdForm(
        request.POST or None, initial={"age_from": 0, "age_to": 17, "places": 1, "sibling_group_max": 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            household = household_create(actor=actor, carers=[carer], **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Household {household.reference} recorded. Approve it when the assessment is done."
            )
            return redirect(f"{NS}:household", id=household.pk)
    return render(request, "looked_after/households/new.html", {"form": form, "carer_name": _name(carer)})


@require_GET
@capability_required(Capability.VIEW_CASES)
def household(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = household_get(actor=actor, id=id, section="household")
    page = household_page(actor=actor, household=found)
    today = clock.today()
    context = {
        "household": found,
        "page": page,
        "kind": _label(HouseholdKind, found.kind),
        "status": _label(ApprovalStatus, found.status),
        "approved_on": _date(found.approved_on),
        "ended_on": _date(found.ended_on),
        "carers": [{"name": _name(c.person), "added_on": _date(c.added_on)} for c in page.carers],
        "placed_now": [
            {
                "name": _name(p.person),
                "age": age_on(p.person.date_of_birth, today),
                "since": _date(p.started_on),
            }
            for p in page.placed_now
        ],
        "history": [
            {"name": _name(p.person), "started": _date(p.started_on), "ended": _date(p.ended_on)}
            for p in page.history
        ],
        "may_manage": actor.has_capability(Capability.MANAGE_HOUSEHOLDS),
    }
    return render(request, "looked_after/households/household.html", context)


def _terms_initial(h: Any) -> dict[str, Any]:
    return {
        "name": h.name,
        "kind": h.kind,
        "postcode": h.postcode,
        "in_area": "yes" if h.in_area else "no",
        "age_from": h.age_from,
        "age_to": h.age_to,
        "places": h.places,
        "sibling_group_max": h.sibling_group_max,
        "notes": h.notes,
        "version": h.version,
    }


@capability_required(Capability.MANAGE_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = household_get(actor=actor, id=id, action="manage", section="household_edit")
    form = HouseholdEditForm(request.POST or None, initial=_terms_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            household_update(
                actor=actor,
                household=found,
                expected_version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except ConflictError as error:
            show_conflict(form, error, _conflict(error, "This household"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Household details and terms saved.")
            return redirect(f"{NS}:household", id=found.pk)
    return render(request, "looked_after/households/edit.html", {"form": form, "household": found})


@capability_required(Capability.MANAGE_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def household_status(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = household_get(actor=actor, id=id, action="manage", section="household_status")
    form = HouseholdStatusForm(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household_status_change(
                actor=actor,
                household=found,
                status=data["status"],
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except ConflictError as error:
            show_conflict(form, error, _conflict(error, "This household"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Approval status is now: {_label(ApprovalStatus, found.status).lower()}."
            )
            return redirect(f"{NS}:household", id=found.pk)
    context = {"form": form, "household": found, "status": _label(ApprovalStatus, found.status)}
    return render(request, "looked_after/households/status.html", context)


@capability_required(Capability.MANAGE_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def carer_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """Search for the carer (POST), then add the one chosen (POST with `person_id`)."""
    actor: Any = request.user
    found = household_get(actor=actor, id=id, action="manage", section="household_carers")
    form = CarerSearchForm()
    people: list[Any] = []
    searched = False
    if request.method == "POST" and "person_id" in request.POST:
        choice = CarerChoiceForm(request.POST)
        if not choice.is_valid():
            form.add_error(None, "Choose a person from the search results.")
        else:
            person = person_get(actor=actor, id=choice.cleaned_data["person_id"], purpose="household_carers")
            try:
                household_carer_add(actor=actor, household=found, person=person)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"{_name(person)} added as a carer.")
                return redirect(f"{NS}:household", id=found.pk)
    elif request.method == "POST":
        form = CarerSearchForm(request.POST)
        people, searched = _search_carers(request, form)
    context = {"form": form, "people": people, "searched": searched, "household": found}
    return render(request, "looked_after/households/find_carer.html", context)


# --- placement requests -------------------------------------------------------------------------


@require_GET
@capability_required(Capability.VIEW_CASES)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PlacementRequestStatus.OPEN)
    if status not in PlacementRequestStatus.values:
        status = PlacementRequestStatus.OPEN
    rows = placement_request_list(actor=request.user, filters={"status": status})
    today = clock.today()
    context = {
        "status": status,
        "statuses": PlacementRequestStatus.choices,
        "rows": [
            {
                "request": r,
                "name": _name(r.person),
                "age": age_on(r.person.date_of_birth, today),
                "kind": _label(HouseholdKind, r.household_kind),
                "requested_on": _date(r.requested_on),
                "needed_by": _date(r.needed_by),
            }
            for r in rows
        ],
    }
    return render(request, "looked_after/households/request_list.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, period_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_for_request(actor=actor, id=period_id, section="placement_request_new")
    form = PlacementRequestForm(request.POST or None, initial={"sibling_group_size": 1})
    if request.method == "POST" and form.is_valid():
        try:
            made = placement_request_create(actor=actor, period=period, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Placement request recorded.")
            return redirect(f"{NS}:request", id=made.pk)
    return render(
        request,
        "looked_after/households/request_new.html",
        {"form": form, "child_name": _name(period.person)},
    )


@require_GET
@capability_required(Capability.VIEW_CASES)
def request_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = placement_request_get(actor=actor, id=id, section="placement_request")
    filter_form = MatchFilterForm(request.GET or None)
    within = (
        filter_form.cleaned_data.get("within_miles")
        if filter_form.is_bound and filter_form.is_valid()
        else None
    )
    matches = (
        household_matches(actor=actor, request=found, within_miles=within) if found.status == "open" else None
    )
    context = {
        "req": found,
        "child_name": _name(found.person),
        "kind": _label(HouseholdKind, found.household_kind),
        "status": _label(PlacementRequestStatus, found.status),
        "requested_on": _date(found.requested_on),
        "needed_by": _date(found.needed_by),
        "closed_on": _date(found.closed_on),
        "filter_form": filter_form,
        "form": filter_form,  # the error summary and the "Error:" title read `form`
        "matches": matches,
        "may_record": actor.has_capability(Capability.RECORD_CASEWORK),
    }
    return render(request, "looked_after/households/request.html", context)


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def request_close(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = placement_request_get(actor=actor, id=id, action="record", section="placement_request_close")
    options = household_rows(actor=actor, filters={"status": ApprovalStatus.APPROVED})
    form = PlacementRequestCloseForm(
        request.POST or None, initial={"version": found.version}, households=options
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((h for h in options if str(h.pk) == data["household"]), None)
        try:
            placement_request_close(
                actor=actor,
                request=found,
                status=data["status"],
                closed_on=data["closed_on"],
                household=chosen,
                expected_version=data["version"],
            )
        except ConflictError as error:
            show_conflict(form, error, _conflict(error, "This request"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Placement request closed.")
            return redirect(f"{NS}:request", id=found.pk)
    return render(
        request,
        "looked_after/households/request_close.html",
        {"form": form, "req": found, "child_name": _name(found.person)},
    )


# --- sufficiency --------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.VIEW_SUFFICIENCY)
def sufficiency(request: HttpRequest) -> HttpResponse:
    form = SufficiencyForm(request.GET or None)
    on = clock.today()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("on"):
        on = form.cleaned_data["on"]
    view = sufficiency_figures(actor=request.user, on=on)
    # Counts only, but who looked at which figures is still part of the record (R27).
    record_event(
        actor=request.user, verb=Verb.VIEW, object_type="looked_after.sufficiency", section=on.isoformat()
    )
    shown = publish(view)  # small cells hidden (R22)
    context = {
        "form": form,
        "on": _date(on),
        "buckets": GROUP_BUCKETS,
        "rows": shown.rows,
        "totals": shown.totals,
        "children_by_area": shown.children_by_area,
        "series": [{**p, "label": _date(p["on"])} for p in shown.series],
        "chart": sufficiency_chart.need_and_supply_chart(shown.totals),
        "series_chart": sufficiency_chart.series_chart(shown.series),
        "list_url": reverse(f"{NS}:sufficiency"),
    }
    return render(request, "looked_after/households/sufficiency.html", context)
