import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ..health import check

logger = logging.getLogger("safehub.health")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Public on purpose (load balancers cannot sign in); reveals no record data."""
    result = check()
    if result.status != "ok":
        logger.warning("health %s", result.status, extra={"safehub": {"checks": result.checks}})
    return JsonResponse(
        {"status": result.status, "checks": result.checks}, status=503 if result.down else 200
    )
