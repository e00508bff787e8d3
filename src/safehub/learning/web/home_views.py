"""The learning home (issue 10): what is due for the partnership, what a partner agency has to
answer, and the incidents a council manager recorded. Each part is read through its own policy,
so a partner sees only their agency's returns (R19)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.web.permissions import capability_required

from ..constants import ReturnStatus, ReviewKind
from ..selectors.incidents import incident_list
from ..selectors.returns import agency_return_list
from ..selectors.reviews import reviews_in_progress
from . import presenters

C = Capability


def _dated(rows: list[Any], today: Any, *, done: Any = None) -> list[dict[str, Any]]:
    """Each record with its due date written out and its tag (red when overdue)."""
    return [
        {
            "obj": row,
            "due": presenters.format_date(row.due_on),
            "tag": presenters.due_tag(row.due_on, today, done=bool(done and done(row))),
        }
        for row in rows
    ]


@capability_required((C.VIEW_LEARNING, C.CONTRIBUTE_LEARNING, C.NOTIFY_INCIDENTS))
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    today = clock.today()
    context: dict[str, Any] = {"today": today}
    if actor.has_capability(C.VIEW_LEARNING):
        awaiting = incident_list(actor=actor, awaiting_only=True)
        context["partnership"] = {
            "incidents": [
                {
                    "obj": i,
                    "due": presenters.format_date(i.notify_due_on),
                    "tag": presenters.due_tag(i.notify_due_on, today),
                }
                for i in awaiting
            ],
            "rapid": _dated(reviews_in_progress(actor=actor, kind=ReviewKind.RAPID), today),
            "local": _dated(reviews_in_progress(actor=actor, kind=ReviewKind.LOCAL), today),
            "returns": _dated(agency_return_list(actor=actor, outstanding_only=True), today),
        }
        context["links"] = {
            "actions": presenters.link("learning_actions:list", "/learning/actions/"),
            "audits": presenters.link("learning_audits:programme_list", "/learning/audits/"),
            "reports": presenters.link("learning_reports:board", "/learning/reports/"),
        }
    elif actor.has_capability(C.CONTRIBUTE_LEARNING):
        context["agency_returns"] = _dated(
            agency_return_list(actor=actor, own_agency=True),
            today,
            done=lambda r: r.status == ReturnStatus.RECEIVED,
        )
        context["show_agency"] = True
        context["actions_link"] = presenters.link("learning_actions:list", "/learning/actions/")
    if actor.has_capability(C.NOTIFY_INCIDENTS) and not actor.has_capability(C.MANAGE_LEARNING):
        recorded = incident_list(actor=actor, recorded_by_actor=True)
        context["show_recorded"] = True
        context["recorded"] = [
            {
                "obj": i,
                "due": presenters.format_date(i.notify_due_on),
                "tag": presenters.due_tag(i.notify_due_on, today, done=i.notified_on is not None),
            }
            for i in recorded
        ]
    return render(request, "learning/home.html", context)
