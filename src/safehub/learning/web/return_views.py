"""Agency returns (issue 10, item 2; ADR 0008 §4): the partnership asks an agency what it knew,
the agency's safeguarding lead answers. A partner sees only the returns addressed to their own
agency: any other answers the 404 of a return that does not exist (R18, R19)."""

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.web.permissions import capability_required

from ..constants import ReturnStatus
from ..policies import agency_return_policy
from ..selectors.returns import agency_return_get, agency_return_list
from ..selectors.reviews import review_get
from ..services.returns import agency_return_answer, agency_return_request
from . import presenters
from .forms import ReturnAnswerForm, ReturnRequestForm, active_agencies
from .pages import submit

C = Capability


def _row(ret: Any, today: Any) -> dict[str, Any]:
    return {
        "obj": ret,
        "due": presenters.format_date(ret.due_on),
        "tag": presenters.due_tag(ret.due_on, today, done=ret.status == ReturnStatus.RECEIVED),
    }


@capability_required(C.CONTRIBUTE_LEARNING)
@require_GET
def return_list(request: HttpRequest) -> HttpResponse:
    """Returns for the actor's own agency, those still to answer first."""
    actor: Any = request.user
    today = clock.today()
    rows = [_row(r, today) for r in agency_return_list(actor=actor, own_agency=True)]
    return render(request, "learning/returns/list.html", {"rows": rows})


@capability_required((C.VIEW_LEARNING, C.CONTRIBUTE_LEARNING))
@require_GET
def agency_return(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = agency_return_get(actor=actor, id=id, section="agency_return")
    can_answer = found.status == ReturnStatus.REQUESTED and agency_return_policy.can(actor, "answer", found)
    context = {"ret": found, "row": _row(found, clock.today()), "can_answer": can_answer}
    return render(request, "learning/returns/return.html", context)


@capability_required(C.CONTRIBUTE_LEARNING)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = agency_return_get(actor=actor, id=id, action="answer", section="agency_return_answer")
    form = ReturnAnswerForm(
        request.POST or None, initial={"version": found.version, "received_on": clock.today()}
    )

    def save(data: dict[str, Any]) -> Any:
        return agency_return_answer(
            actor=actor,
            agency_return=found,
            expected_version=data["version"],
            response=data["response"],
            received_on=data["received_on"],
        )

    saved, _ = submit(
        request,
        form,
        save,
        lambda r: f"Your agency's return to the review of {r.review.subject_label} is sent.",
        what="This return",
    )
    if saved:
        return redirect("learning:return", id=found.pk)
    return render(request, "learning/returns/answer.html", {"form": form, "ret": found})


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def request_return(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    review = review_get(actor=actor, id=id, action="manage", section="return_request")
    form = ReturnRequestForm(
        request.POST or None, initial={"requested_on": clock.today()}, agencies=active_agencies()
    )

    def save(data: dict[str, Any]) -> Any:
        return agency_return_request(
            actor=actor,
            review=review,
            agency=data["agency"],
            question=data["question"],
            requested_on=data["requested_on"],
        )

    def done(ret: Any) -> str:
        return f"{ret.agency.name} was asked for its return, due by {presenters.format_date(ret.due_on)}."

    saved, _ = submit(request, form, save, done)
    if saved:
        return redirect("learning:review", id=review.pk)
    return render(request, "learning/reviews/return_request.html", {"form": form, "review": review})
