"""Matching a person against the index (issue 3): POST, so no personal data in URLs (R4)."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from safehub.accounts.constants import Capability
from safehub.people.services import person_match

from ..constants import Scope
from ..serializers.match import PersonMatchInputSerializer, PersonMatchOutputSerializer
from .base import SafehubApiView


class PersonMatchView(SafehubApiView):
    required_capabilities = {"POST": Capability.VIEW_PEOPLE}
    required_scopes = {"POST": Scope.PEOPLE_READ}

    @extend_schema(
        operation_id="people_match",
        summary="Find the people most likely to be the one described",
        description=(
            "Send any of the fields; a match needs an NHS number or UPN, or a family name with a given "
            "name or date of birth. Returns at most 10 people the caller may see, most likely first, "
            "each with a probability and how each field agreed. An invalid date, NHS number, UPN or "
            "postcode is refused (400) with the reason at the field. Every match is audited with the "
            "ids it returned."
        ),
        request=PersonMatchInputSerializer,
        responses={200: PersonMatchOutputSerializer},
        tags=["people"],
    )
    def post(self, request: Request) -> Response:
        given = PersonMatchInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = person_match(actor=request.user, query=given.query())
        return Response(PersonMatchOutputSerializer(result).data)
