"""People: search (POST, so no personal data in URLs, R4), read, create and change (R24)."""

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from safehub.accounts.constants import Capability
from safehub.people.selectors import person_get, person_search
from safehub.people.services import person_create, person_update

from ..constants import Scope
from ..serializers.people import (
    PersonCreateInputSerializer,
    PersonOutputSerializer,
    PersonSearchInputSerializer,
    PersonSearchOutputSerializer,
    PersonUpdateInputSerializer,
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
        description="Audited before the data is returned. Missing and not-allowed both answer 404.",
        responses={200: PersonOutputSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, id: uuid.UUID) -> Response:
        person = person_get(actor=request.user, id=id)
        return Response(PersonOutputSerializer(person).data)

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
