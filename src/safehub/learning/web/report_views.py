"""The partnership board report: a page, a printable version of it and a CSV of the overdue
actions (issue 10, item 6). Labels and counts only, never a child, so performance analysts
(`view_learning_report`) read it as well as the partnership (R22).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.platform import clock
from safehub.platform.web.csv import to_csv
from safehub.platform.web.permissions import capability_required

from ..selectors.reports import board_report, overdue_actions_export
from ..selectors.themes import RECURRING_REVIEWS, REPORT_CAPABILITIES

# Officers' names and action descriptions are typed by people: `to_csv` neutralises every cell (R42).
CSV_HEADER = ("Action", "Source", "Agency", "Officer", "Due", "Days overdue", "RAG")


@capability_required(REPORT_CAPABILITIES)
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    report = board_report(actor=request.user, today=clock.today())
    context = {"report": report, "recurring_reviews": RECURRING_REVIEWS}
    # The printable version: the same figures without the service's navigation and controls.
    template = "board_print.html" if request.GET.get("print") == "1" else "board.html"
    return render(request, f"learning/reports/{template}", context)


@capability_required(REPORT_CAPABILITIES)
@require_GET
def board_overdue_csv(request: HttpRequest) -> HttpResponse:
    """The overdue actions as CSV; the download is audited before it is built (R27)."""
    today = clock.today()
    rows = overdue_actions_export(actor=request.user, today=today)
    body = to_csv(
        CSV_HEADER,
        (
            (r.description, r.source, r.agency, r.officer, r.due_on.isoformat(), r.days_overdue, r.rag_label)
            for r in rows
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overdue-learning-actions-{today:%Y-%m-%d}.csv"'
    return response
