"""People: search (POST, so no personal data in URLs, R4), read, create and change (R24)."""

import uuid

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from safehub.accounts.constants import Capability
from safehub.people.dedupe.selectors import merged_survivor
from safehub.people.models import Person
from safehub.people.record import person_record
from safehub.people.selectors import RelationshipSide, person_get, person_search
from safehub.people.services import (
    person_address_add,
    person_create,
    person_identifier_add,
    person_name_add,
    person_update,
    relationship_add,
    risk_flag_add,
)
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import Scope
from ..serializers.people import (
    AddressInputSerializer,
    AddressOutputSerializer,
    IdentifierInputSerializer,
    IdentifierOutputSerializer,
    NameInputSerializer,
    NameOutputSerializer,
    PersonCreateInputSerializer,
    PersonOutputSerializer,
    PersonRecordOutputSerializer,
    PersonSearchInputSerializer,
    PersonSearchOutputSerializer,
    PersonUpdateInputSerializer,
    RelationshipInputSerializer,
    RelationshipSideOutputSerializer,
    RiskFlagInputSerializer,
    RiskFlagOutputSerializer,
)
from .base import SafehubApiView

TAGS = ["people"]


class PersonSearchView(SafehubApiView):
    required_capabilities = {"POST": Capability.VIEW_PEOPLE}
    required_scopes = {"POST": Scope.PEOPLE_READ}

    @extend_schema(
        operation_id="people_search",
        summary="Search for people",
        description=(
            "Needs a family name with a given name or date of birth, or an NHS number (R45). "
            "Results are capped; `truncated` says when to narrow the search. Every search is audited."
        ),
        request=PersonSearchInputSerializer,
        responses={200: PersonSearchOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = PersonSearchInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = person_search(actor=request.user, criteria=given.criteria())
        return Response(PersonSearchOutputSerializer(result).data)


class PersonCollectionView(SafehubApiView):
    required_capabilities = {"POST": Capability.EDIT_PEOPLE}
    required_scopes = {"POST": Scope.PEOPLE_WRITE}

    @extend_schema(
        operation_id="people_create",
        summary="Record a person",
        request=PersonCreateInputSerializer,
        responses={201: PersonOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = PersonCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        person = person_create(actor=request.user, **given.validated_data)
        return Response(PersonOutputSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonDetailView(SafehubApiView):
    required_capabilities = {"GET": Capability.VIEW_PEOPLE, "PATCH": Capability.EDIT_PEOPLE}
    required_scopes = {"GET": Scope.PEOPLE_READ, "PATCH": Scope.PEOPLE_WRITE}

    @extend_schema(
        operation_id="people_retrieve",
        summary="Read a person",
        description=(
            "Audited before the data is returned. Missing and not-allowed both answer 404. Includes the "
            "person's names over time, identifiers, addresses over time, relationships (read from this "
            "person's side) and the risk flags the caller may see."
        ),
        responses={200: PersonRecordOutputSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, id: uuid.UUID) -> Response:
        try:
            person = person_get(actor=request.user, id=id)
        except NotFoundOrForbidden:
            # A merged-away record points at the record it now lives on (temporary: unmerge undoes it).
            survivor = merged_survivor(actor=request.user, person_id=id)
            if survivor is None:
                raise
            location = reverse("api:person-detail", kwargs={"id": survivor.pk})
            return Response({"merged_into": str(survivor.pk)}, status=307, headers={"Location": location})
        return Response(PersonRecordOutputSerializer(person_record(actor=request.user, person=person)).data)

    @extend_schema(
        operation_id="people_partial_update",
        summary="Change a person's details",
        description="Send the fields to change and the `version` you read; 409 if someone saved since (R49).",
        request=PersonUpdateInputSerializer,
        responses={200: PersonOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, id: uuid.UUID) -> Response:
        given = PersonUpdateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        version, changes = given.changes()
        person = person_get(actor=request.user, id=id, action="change")
        person = person_update(actor=request.user, person=person, expected_version=version, **changes)
        return Response(PersonOutputSerializer(person).data)


class _PersonPartView(SafehubApiView):
    """POST one new part of a person's record through its service; 201 with the part as stored."""

    required_capabilities = {"POST": Capability.EDIT_PEOPLE}
    required_scopes = {"POST": Scope.PEOPLE_WRITE}

    def _person(self, request: Request, id: uuid.UUID) -> Person:
        return person_get(actor=request.user, id=id, action="change")


class PersonNameCreateView(_PersonPartView):
    @extend_schema(
        operation_id="people_names_create",
        summary="Add a previous name, alias or birth name",
        description="The current name is changed on the person (PATCH), which keeps the old one.",
        request=NameInputSerializer,
        responses={201: NameOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        person = self._person(request, id)  # a 404 before anything about the body
        given = NameInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        name = person_name_add(actor=request.user, person=person, **given.validated_data)
        return Response(NameOutputSerializer(name).data, status=status.HTTP_201_CREATED)


class PersonIdentifierCreateView(_PersonPartView):
    @extend_schema(
        operation_id="people_identifiers_create",
        summary="Add an identifier",
        description=(
            "A UPN's check letter is verified; a new UPN makes the current one a former UPN. An agency's "
            "own id or a police reference needs its issuing agency. 400 with the reason at `value` if the "
            "identifier is not valid or someone else holds it."
        ),
        request=IdentifierInputSerializer,
        responses={201: IdentifierOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        person = self._person(request, id)  # a 404 before anything about the body
        given = IdentifierInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        identifier = person_identifier_add(actor=request.user, person=person, **given.validated_data)
        return Response(IdentifierOutputSerializer(identifier).data, status=status.HTTP_201_CREATED)


class PersonAddressCreateView(_PersonPartView):
    @extend_schema(
        operation_id="people_addresses_create",
        summary="Add an address the person lives or lived at",
        description='The postcode is validated and stored as "SW1A 1AA"; the UPRN is optional.',
        request=AddressInputSerializer,
        responses={201: AddressOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        person = self._person(request, id)  # a 404 before anything about the body
        given = AddressInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields, address = given.split()
        lived_at = person_address_add(actor=request.user, person=person, **fields, **address)
        return Response(AddressOutputSerializer(lived_at).data, status=status.HTTP_201_CREATED)


class PersonRelationshipCreateView(_PersonPartView):
    @extend_schema(
        operation_id="people_relationships_create",
        summary="Add a relationship to another person",
        description=(
            "`kind` is what this person is to `other_person` (e.g. `child`). Stored once per pair and "
            "read from both sides; both people must be ones the caller may change."
        ),
        request=RelationshipInputSerializer,
        responses={201: RelationshipSideOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        person = self._person(request, id)  # a 404 before anything about the body
        given = RelationshipInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        try:
            other = person_get(actor=request.user, id=data.pop("other_person"), action="change")
        except NotFoundOrForbidden:
            raise ValidationError({"other_person": "No person you may change has this id."}) from None
        relationship = relationship_add(actor=request.user, person_a=person, person_b=other, **data)
        side = RelationshipSide(
            relationship=relationship, person=person, other=other, kind=relationship.kind_for(person.pk)
        )
        return Response(RelationshipSideOutputSerializer(side).data, status=status.HTTP_201_CREATED)


class PersonRiskFlagCreateView(_PersonPartView):
    @extend_schema(
        operation_id="people_risk_flags_create",
        summary="Add a risk flag",
        description=(
            "A sensitive flag is seen only by MASH roles, team managers and staff of the agency that "
            "raised it."
        ),
        request=RiskFlagInputSerializer,
        responses={201: RiskFlagOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        person = self._person(request, id)  # a 404 before anything about the body
        given = RiskFlagInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        flag = risk_flag_add(actor=request.user, person=person, **given.validated_data)
        return Response(RiskFlagOutputSerializer(flag).data, status=status.HTTP_201_CREATED)


# The routes of the views above, listed here so the shared URL tree takes them in one line.
PERSON_PART_ROUTES = [
    path("people/<uuid:id>/names/", PersonNameCreateView.as_view(), name="person-name-create"),
    path(
        "people/<uuid:id>/identifiers/", PersonIdentifierCreateView.as_view(), name="person-identifier-create"
    ),
    path("people/<uuid:id>/addresses/", PersonAddressCreateView.as_view(), name="person-address-create"),
    path(
        "people/<uuid:id>/relationships/",
        PersonRelationshipCreateView.as_view(),
        name="person-relationship-create",
    ),
    path("people/<uuid:id>/risk-flags/", PersonRiskFlagCreateView.as_view(), name="person-risk-flag-create"),
]
