"""Where browsers report Content Security Policy violations (R2).

Reports come from anyone's browser, signed in or not, so the endpoint takes no session, no CSRF
token and at most 16 KB, and logs a few short fields rather than echoing the payload.
"""

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("safehub.csp")

MAX_REPORT_BYTES = 16 * 1024
_FIELDS = {
    # report-uri (CSP level 2) name: Reporting API (level 3) name
    "document-uri": "documentURL",
    "violated-directive": "effectiveDirective",
    "effective-directive": "effectiveDirective",
    "blocked-uri": "blockedURL",
    "source-file": "sourceFile",
    "line-number": "lineNumber",
    "disposition": "disposition",
}


def _strip_query(value: str) -> str:
    # A URL's query or fragment could carry something personal; the path is enough to debug.
    parts = urlsplit(value)
    return parts._replace(query="", fragment="").geturl() if parts.scheme else value


def _summary(report: dict[str, Any]) -> dict[str, str]:
    summary = {}
    for old, new in _FIELDS.items():
        value = report.get(old, report.get(new))
        if value is not None:
            text = str(value)[:300]
            summary[old.replace("-", "_")] = _strip_query(text) if "uri" in old else text
    return summary


def _reports(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):  # application/reports+json: a batch of typed reports
        return [r["body"] for r in payload if isinstance(r, dict) and isinstance(r.get("body"), dict)]
    return []


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    for report in _reports(payload)[:10]:
        logger.warning("csp violation", extra={"safehub": {"event": "csp_violation", **_summary(report)}})
    return HttpResponse(status=204)
