"""GET /api/v1/schema/: the OpenAPI 3 description, for signed-in staff and any valid key."""

from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView

from ..permissions import ScopedCapabilityPermission


class SchemaView(SpectacularAPIView):
    # drf-spectacular serves its schema to anyone by default; ours needs authentication.
    permission_classes = [ScopedCapabilityPermission]
    required_capabilities = {"GET": None}
    required_scopes = {"GET": None}
    # JSON unless YAML is asked for, so errors here come in the same JSON format as everywhere.
    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer, OpenApiYamlRenderer2]
