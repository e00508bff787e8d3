"""Change the parts of a person's record: add and end names, identifiers, addresses, household
memberships, relationships and risk flags, each through its existing service.

Every view: the EDIT_PEOPLE function (403 without it), the person loaded for "change" through the
policy (404 when missing or not allowed, R19), the service called once, POST-redirect-GET back to
the section of the person page, and the service's field errors shown at the field. Ending or
reviewing a row carries the version the user saw; if someone saved the row since, the user is told
who and when, as on the person's details (R49), and can submit again on top of what they now see.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused
from safehub.platform.models import VersionedModel

from .. import record, services
from ..models import Person
from ..selectors import person_get
from . import presenters
from . import record_forms as f

Act = Callable[[Any, dict[str, Any]], object]


def _person(request: HttpRequest, person_id: uuid.UUID) -> Person:
    if not request.user.has_capability(Capability.EDIT_PEOPLE):  # type: ignore[union-attr]
        raise PermissionDenied
    return person_get(actor=request.user, id=person_id, action="change")


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, msgs in error.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


def _stale(request: HttpRequest, form: forms.Form, row: VersionedModel) -> bool:
    """True (with the message at the top of the form) if `row` was saved since the user opened it.

    The form then carries the version now shown, so a second submit goes ahead on top of it.
    """
    seen = form.cleaned_data.get("version")
    if seen is None or seen == row.version:
        return False
    data = request.POST.copy()
    data["version"] = str(row.version)
    form.data = data
    error = ConflictError(
        instance=row,
        expected_version=seen,
        current_version=row.version,
        changed_by=str(row.updated_by) if row.updated_by_id else None,
        changed_at=row.updated_at,
    )
    form.add_error(None, presenters.conflict_message(error) + ". Check the record, then submit again")
    return True


def _handle(
    request: HttpRequest,
    person: Person,
    form: forms.Form,
    act: Act,
    *,
    heading: str,
    section: str,
    done: str,
    button: str = "Save",
    row: VersionedModel | None = None,
    summary: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        if row is None or not _stale(request, form, row):
            try:
                act(request.user, form.cleaned_data)
            except PermissionRefused as refusal:
                raise PermissionDenied from refusal
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(reverse("people:detail", args=[person.pk]) + f"#{section}")
    elif request.method != "POST" and row is not None and "version" in form.fields:
        form.initial["version"] = row.version
    context = {
        "person": person,
        "form": form,
        "heading": heading,
        "button": button,
        "section": section,
        "summary": summary or [],
    }
    return render(request, "people/record/form.html", context)


def _bound(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- names --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def name_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    return _handle(
        request,
        person,
        f.NameForm(_bound(request)),
        lambda actor, data: services.person_name_add(actor=actor, person=person, **data),
        heading="Add a name",
        section="names",
        done="Name added.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def name_end(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    name = record.name_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.EndForm(_bound(request)),
        lambda actor, data: services.person_name_end(actor=actor, name=name, valid_to=data["valid_to"]),
        heading="Stop using a name",
        section="names",
        done="Name ended.",
        row=name,
        summary=[("Name", f"{name.given_name} {name.family_name}"), ("Type", name.get_kind_display())],
    )


# --- identifiers --------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def identifier_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    return _handle(
        request,
        person,
        f.IdentifierForm(_bound(request)),
        lambda actor, data: services.person_identifier_add(actor=actor, person=person, **data),
        heading="Add an identifier",
        section="identifiers",
        done="Identifier added.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def identifier_remove(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    identifier = record.identifier_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.IdentifierRemoveForm(_bound(request)),
        lambda actor, data: services.person_identifier_remove(
            actor=actor, identifier=identifier, reason=data["reason"]
        ),
        heading="Remove an identifier",
        section="identifiers",
        done="Identifier removed.",
        button="Remove identifier",
        row=identifier,
        summary=[("Identifier", str(identifier))],
    )


# --- addresses ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def address_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)

    def act(actor: Any, data: dict[str, Any]) -> object:
        return services.person_address_add(
            actor=actor,
            person=person,
            kind=data["kind"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            source_agency=data["source_agency"],
            **form.address_fields(),
        )

    form = f.AddressForm(_bound(request))
    return _handle(
        request, person, form, act, heading="Add an address", section="addresses", done="Address added."
    )


@require_http_methods(["GET", "POST"])
@login_required
def address_end(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    lived_at = record.address_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.EndForm(_bound(request)),
        lambda actor, data: services.person_address_end(
            actor=actor, person_address=lived_at, valid_to=data["valid_to"]
        ),
        heading="Record that they moved out",
        section="addresses",
        done="Address ended.",
        row=lived_at,
        summary=[("Address", str(lived_at.address))],
    )


# --- households ---------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def household_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A new household at one of the person's current addresses, with the person as its first member."""
    person = _person(request, person_id)
    addresses = record.person_addresses_current(actor=request.user, person=person)
    if not addresses:
        messages.info(request, "Add the person's current address first: a household is at an address.")
        return redirect(reverse("people:detail", args=[person.pk]) + "#households")
    form = f.HouseholdCreateForm(_bound(request), addresses=addresses)

    def act(actor: Any, data: dict[str, Any]) -> object:
        from django.db import transaction

        # One household and its first member, or neither (R50).
        with transaction.atomic():
            household = services.household_create(
                actor=actor, address=form.chosen_address(), description=data["description"]
            )
            return services.household_member_add(
                actor=actor, household=household, person=person, valid_from=data["valid_from"]
            )

    return _handle(
        request,
        person,
        form,
        act,
        heading="Record a household",
        section="households",
        done="Household recorded.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def household_member_add(request: HttpRequest, person_id: uuid.UUID, household_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    household = record.household_for_change(actor=request.user, person=person, id=household_id)
    form = f.HouseholdMemberForm(_bound(request))

    def act(actor: Any, data: dict[str, Any]) -> object:
        try:
            other = person_get(actor=actor, id=data["person"], action="change")
        except NotFoundOrForbidden:
            raise ValidationError({"person": "No person you may change has this reference"}) from None
        return services.household_member_add(
            actor=actor, household=household, person=other, valid_from=data["valid_from"]
        )

    return _handle(
        request,
        person,
        form,
        act,
        heading="Add someone to the household",
        section="households",
        done="Member added.",
        summary=[("Household", str(household))],
    )


@require_http_methods(["GET", "POST"])
@login_required
def household_member_end(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    member = record.membership_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.EndForm(_bound(request)),
        lambda actor, data: services.household_member_end(
            actor=actor, member=member, valid_to=data["valid_to"]
        ),
        heading="Record that they left the household",
        section="households",
        done="Membership ended.",
        row=member,
        summary=[("Household", str(member.household))],
    )


# --- relationships ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def relationship_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)

    def act(actor: Any, data: dict[str, Any]) -> object:
        try:
            other = person_get(actor=actor, id=data["other"], action="change")
        except NotFoundOrForbidden:
            raise ValidationError({"other": "No person you may change has this reference"}) from None
        if other.pk == person.pk:
            raise ValidationError({"other": "Enter the other person's reference, not this person's"})
        return services.relationship_add(
            actor=actor,
            person_a=person,
            person_b=other,
            kind=data["kind"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            source_agency=data["source_agency"],
        )

    return _handle(
        request,
        person,
        f.RelationshipForm(_bound(request)),
        act,
        heading="Add a relationship",
        section="relationships",
        done="Relationship added.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def relationship_end(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    relationship = record.relationship_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.EndForm(_bound(request)),
        lambda actor, data: services.relationship_end(
            actor=actor, relationship=relationship, valid_to=data["valid_to"]
        ),
        heading="End a relationship",
        section="relationships",
        done="Relationship ended.",
        row=relationship,
        summary=[("Relationship", str(relationship))],
    )


# --- risk flags ---------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def flag_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    return _handle(
        request,
        person,
        f.RiskFlagForm(_bound(request)),
        lambda actor, data: services.risk_flag_add(actor=actor, person=person, **data),
        heading="Add a risk flag",
        section="flags",
        done="Risk flag added.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def flag_review(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    flag = record.flag_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.RiskFlagReviewForm(_bound(request)),
        lambda actor, data: services.risk_flag_review(
            actor=actor, flag=flag, next_review_on=data["next_review_on"], note=data["note"]
        ),
        heading="Review a risk flag",
        section="flags",
        done="Review recorded.",
        row=flag,
        summary=[("Flag", flag.get_kind_display()), ("Review due", presenters.format_date(flag.review_on))],
    )


@require_http_methods(["GET", "POST"])
@login_required
def flag_end(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    flag = record.flag_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.RiskFlagEndForm(_bound(request)),
        lambda actor, data: services.risk_flag_end(
            actor=actor, flag=flag, ends_on=data["ends_on"], reason=data["reason"]
        ),
        heading="End a risk flag",
        section="flags",
        done="Risk flag ended.",
        row=flag,
        summary=[("Flag", flag.get_kind_display())],
    )
