"""People pages: search, detail, record and edit.

Search is a POST and renders its results in the response, so no name, date of birth or NHS
number ever reaches a URL, a proxy log or the browser history (R4). Records the user may not see,
restricted ones included, are a 404 like a missing one (R19, R22).
"""

import datetime
import uuid
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.access import selectors as access_selectors
from safehub.access.constants import Level
from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .. import record
from ..constants import SEARCH_RESULT_CAP, Sex
from ..dedupe.selectors import merged_survivor
from ..involvements import open_involvements
from ..models import Person
from ..selectors import person_get, person_search
from ..services import person_create, person_update
from ..services.disability import person_disabilities
from . import presenters
from .find_views import remembered
from .forms import PersonForm, PersonSearchForm

OBJECT_TYPE = Person._meta.label_lower
EMERGENCY_PURPOSE = "emergency access"


def _require(request: HttpRequest, capability: str) -> None:
    if not request.user.has_capability(capability):  # type: ignore[union-attr]
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def search(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.VIEW_PEOPLE)
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "form": form,
        "result": None,
        "cap": SEARCH_RESULT_CAP,
        "can_create": request.user.has_capability(Capability.EDIT_PEOPLE),  # type: ignore[union-attr]
    }
    if form.is_bound and form.is_valid():
        result = person_search(actor=request.user, criteria=form.criteria())
        today = clock.today()
        context["result"] = result
        context["rows"] = [presenters.person_row(p, today) for p in result.people]
    return render(request, "people/search.html", context)


def _opens_sealed_record(request: HttpRequest) -> bool:
    """A grant holder about to open a sealed record must have signed in again recently (R17).

    Only users who may open the record are asked: anyone else gets the same 404 as for a record
    that does not exist, so the step-up never confirms that a sealed record is there.
    """
    if not request.user.is_authenticated or request.resolver_match is None:
        return False
    person_id = request.resolver_match.kwargs["person_id"]
    restriction = access_selectors.restriction_get(object_type=OBJECT_TYPE, object_id=person_id)
    return bool(
        restriction is not None
        and restriction.level == Level.SEALED
        and access_selectors.may_open(actor=request.user, object_type=OBJECT_TYPE, object_id=person_id)
    )


@require_GET
@login_required
@reauthentication_required(enabled=_opens_sealed_record)
def detail(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    _require(request, Capability.VIEW_PEOPLE)
    # A view under emergency access says so in its audit row, for the reviewer (R23).
    emergency = access_selectors.break_glass_active(
        actor=request.user, object_type=OBJECT_TYPE, object_id=person_id
    )
    try:
        person = person_get(actor=request.user, id=person_id, purpose=EMERGENCY_PURPOSE if emergency else "")
    except NotFoundOrForbidden:
        # A record merged into another lives on there: links and bookmarks to it keep working.
        survivor = merged_survivor(actor=request.user, person_id=person_id)
        if survivor is None:
            raise
        return redirect("people:detail", person_id=survivor.pk)
    # Whether the record is restricted, and whether the user is in through emergency access (R23).
    banner = access_selectors.restriction_banner(actor=request.user, obj=person)
    person_record = record.person_record(actor=request.user, person=person)
    involvements = open_involvements(actor=request.user, person_ids=[person.pk])
    context = {
        "person": person,
        "row": presenters.person_row(person),
        "sex": Sex(person.sex).label if person.sex in Sex.values else person.sex,
        "expected_date_of_birth": presenters.format_date(person.expected_date_of_birth),
        "banner": banner,
        "object_type": OBJECT_TYPE,
        "can_edit": request.user.has_capability(Capability.EDIT_PEOPLE),  # type: ignore[union-attr]
        "can_see_access_log": request.user.has_capability(Capability.VIEW_ACCESS_LOG),  # type: ignore[union-attr]
        "can_merge": request.user.has_capability(Capability.MERGE_PEOPLE),  # type: ignore[union-attr]
        "sections": presenters.record_rows(person_record),
        "disabilities": presenters.disability_rows(person_disabilities(actor=request.user, person=person)),
        # Open work with children's services (referrals, plans …), from the apps that hold it.
        "involvements": involvements,
        # A child already in care is linked to their period, not offered a second one.
        "in_care": any(item.kind == "looked_after" for item in involvements),  # casework's service key
        "can_view_cases": request.user.has_capability(Capability.VIEW_CASES),  # type: ignore[union-attr]
        "can_record_casework": request.user.has_capability(Capability.RECORD_CASEWORK),  # type: ignore[union-attr]
        "can_manage_cases": request.user.has_capability(Capability.MANAGE_CASES),  # type: ignore[union-attr]
        "can_notify_incidents": request.user.has_capability(Capability.NOTIFY_INCIDENTS),  # type: ignore[union-attr]
    }
    return render(request, "people/detail.html", context)


def _add_model_errors(form: PersonForm, error: ValidationError) -> None:
    """Put a service's validation errors at the field that caused them (or at the top)."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.EDIT_PEOPLE)
    form = PersonForm(request.POST if request.method == "POST" else None, initial=_from_find(request))
    if form.is_bound and form.is_valid():
        try:
            person = person_create(actor=request.user, **form.person_fields())
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": None})


def _from_find(request: HttpRequest) -> dict[str, Any]:
    """ "None of these" on the find page: start the new record from what was searched for."""
    stored = remembered(request, request.GET.get("find", ""))
    if stored is None:
        return {}
    query = stored["query"]
    initial = {name: query[name] for name in ("given_name", "family_name", "nhs_number") if query.get(name)}
    if query.get("date_of_birth"):
        initial["date_of_birth"] = datetime.date.fromisoformat(query["date_of_birth"])
    if query.get("sex") in Sex.values:
        initial["sex"] = query["sex"]
    return initial


def _initial(person: Person) -> dict[str, Any]:
    initial = {name: getattr(person, name) for name in PersonForm.FIELDS}
    initial["version"] = person.version
    return initial


def _conflict_rows(error: ConflictError) -> list[tuple[str, str, str]]:
    return [
        (
            str(field).capitalize(),
            presenters.format_change(field, theirs),
            presenters.format_change(field, mine),
        )
        for field, (theirs, mine) in error.changes.items()
    ]


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    _require(request, Capability.EDIT_PEOPLE)
    person = person_get(actor=request.user, id=person_id, action="change")
    # Taken now: a failed save leaves the user's typing on the in-memory object.
    heading = f"{person.given_name} {person.family_name}"
    conflict: list[tuple[str, str, str]] | None = None
    if request.method != "POST":
        form = PersonForm(initial=_initial(person))
    else:
        form = PersonForm(request.POST)
        if form.is_valid() and form.cleaned_data["version"] is None:
            form.add_error(None, "Open the record again, then make your changes")
        if form.is_valid():
            expected_version = form.cleaned_data["version"]
            try:
                person_update(
                    actor=request.user,
                    person=person,
                    expected_version=expected_version,
                    **form.person_fields(),
                )
            except ConflictError as error:
                # Show their changes beside the user's own, and let a second save go ahead on top
                # of the version the user has now seen (R49).
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = PersonForm(data)
                form.is_valid()
                form.add_error(None, presenters.conflict_message(error))
                conflict = _conflict_rows(error)
            except ValidationError as error:
                _add_model_errors(form, error)
            else:
                return redirect("people:detail", person_id=person.pk)
    context = {"form": form, "person": person, "heading": heading, "conflict": conflict}
    return render(request, "people/form.html", context)
