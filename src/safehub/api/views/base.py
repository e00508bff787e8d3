"""The base every API view stands on: our authentication, permission and schema."""

from typing import ClassVar

from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from ..permissions import ScopedCapabilityPermission
from ..schema import SafehubAutoSchema


class SafehubApiView(APIView):
    """Subclasses declare, per method, the capability a user needs and the scope a key needs.

    `None` means "any authenticated user" / "any valid key"; an undeclared method is refused.
    """

    permission_classes = [ScopedCapabilityPermission]
    parser_classes = [JSONParser]  # JSON only: no form or multipart bodies to reason about
    schema = SafehubAutoSchema()
    required_capabilities: ClassVar[dict[str, str | None]] = {}
    required_scopes: ClassVar[dict[str, str | None]] = {}
