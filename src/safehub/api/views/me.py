"""GET /api/v1/me/: who the request acts as."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ..constants import Scope
from ..models import ApiKey
from ..selectors import whoami
from ..serializers.me import MeOutputSerializer
from .base import SafehubApiView


class MeView(SafehubApiView):
    required_capabilities = {"GET": None}
    required_scopes = {"GET": Scope.ME_READ}

    @extend_schema(
        operation_id="me_retrieve",
        summary="Who am I",
        description="The user the request acts as, their role and agency, and the key's scopes.",
        responses=MeOutputSerializer,
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        return Response(MeOutputSerializer(whoami(user=request.user, key=key)).data)
